"""Thi đua pages, under /thi-dua/. Setting up a year (scale, pledge, targets, periods,
ranking) and working on score sheets are two modules of routes in one namespace."""

from django.urls import include, path

app_name = "emulation"

urlpatterns = [
    path("thi-dua/", include("emulation.urls_setup")),
    path("thi-dua/", include("emulation.urls_sheets")),
]
