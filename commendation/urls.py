"""Xếp loại chất lượng pages, under /xep-loai/: the rule sets, a unit's year (its own result,
the roll-ups and the quota), streaks, a person's history, and the import of people's results."""

from django.urls import path

from commendation import views

app_name = "commendation"

urlpatterns = [
    path("xep-loai/", views.index, name="index"),
    path("xep-loai/don-vi/<int:pk>/<int:year>/", views.unit_year, name="unit"),
    path("xep-loai/don-vi/<int:pk>/<int:year>/ghi-nhan/", views.unit_record, name="unit_record"),
    path("xep-loai/don-vi/<int:pk>/<int:year>/nam-lien/", views.streaks, name="streaks"),
    path("xep-loai/ca-nhan/<int:pk>/", views.person_detail, name="person"),
    path("xep-loai/nhap/", views.import_start, name="import"),
    path("xep-loai/nhap/<int:pk>/", views.import_batch, name="batch"),
    path("xep-loai/nhap/<int:pk>/tien-do/", views.import_progress, name="batch_progress"),
]
