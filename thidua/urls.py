from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from organizations import views as organization_views
from thidua.api import api

urlpatterns = [
    path("", organization_views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("organizations.urls")),
    path("", include("emulation.urls")),
    path("", include("commendation.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
