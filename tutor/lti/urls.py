"""The tool's endpoints the LMS calls, under lti/ (tutor/urls.py)."""

from django.urls import path

from tutor.lti import views

app_name = "lti"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    # For an LMS that does not send client_id with its login: one address per registration.
    path("login/<uuid:registration_uuid>/", views.LoginView.as_view(), name="login-for"),
    path("launch/", views.LaunchView.as_view(), name="launch"),
    path("jwks/", views.jwks_view, name="jwks"),
    path("deep-link/", views.deep_link_view, name="deep-link"),
]
