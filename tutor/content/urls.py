from django.urls import path

from tutor.content import views

app_name = "content"

urlpatterns = [
    path("", views.exercises_view, name="exercises"),
    path("import/", views.import_view, name="import"),
    path("visibility/", views.bulk_visibility_view, name="bulk-visibility"),
    path("<slug:slug>/visibility/", views.visibility_view, name="visibility"),
]
