from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0004_support_files_and_in_process"),
    ]

    operations = [
        migrations.AddField(
            model_name="exercise",
            name="hidden_test_hints",
            field=models.BooleanField(default=True),
        ),
    ]
