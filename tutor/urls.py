from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="exercises:list", permanent=False)),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("exercises/", include("exercises.urls")),
    path("courses/", include("tutor.analytics.urls")),
    path("courses/", include("tutor.live.urls")),
    path("courses/", include("tutor.courses.urls")),
    path("courses/<slug:slug>/review/", include("tutor.review.urls")),
    path("courses/<slug:slug>/similarity/", include("tutor.similarity.urls")),
    path("courses/<slug:slug>/lms/", include("tutor.lti.instructor_urls")),
    path("lti/", include("tutor.lti.urls")),
    path("instructor/ai-log/", include("tutor.assist.urls")),
    path("instructor/exercises/", include("tutor.content.urls")),
    path("instructor/model/", include("tutor.assist.model_urls")),
    path("admin/", admin.site.urls),
]
