"""Setting up and following an emulation year (mounted under /thi-dua/, namespace
"emulation"): years, scales and criteria, pledge, targets, periods and ranking."""

from django.urls import path

from emulation.views import setup as views

urlpatterns = [
    path("", views.year_list, name="year_list"),
    path("mo-nam/", views.year_open, name="year_open"),
    path("phat-dong/", views.year_cascade, name="year_cascade"),
    path("<int:pk>/", views.year_detail, name="year"),
    path("<int:pk>/giai-doan/", views.year_advance, name="year_advance"),
    path("<int:pk>/quy-dinh/", views.year_rules, name="year_rules"),
    path("<int:pk>/them-ky/", views.period_add, name="period_add"),
    path("<int:pk>/tao-thang-diem/", views.scale_create, name="scale_create"),
    path("<int:pk>/sao-chep-thang-diem/", views.scale_copy, name="scale_copy"),
    path("thang-diem/<int:pk>/", views.scale_detail, name="scale"),
    path("thang-diem/<int:pk>/phien-ban-moi/", views.scale_new_version, name="scale_new_version"),
    path("thang-diem/<int:pk>/them-tieu-chi/", views.criterion_add, name="criterion_add"),
    path("tieu-chi/<int:pk>/sua/", views.criterion_edit, name="criterion_edit"),
    path("tieu-chi/<int:pk>/xoa/", views.criterion_delete, name="criterion_delete"),
    path("giao-uoc/<int:pk>/", views.pledge_detail, name="pledge"),
    path("giao-uoc/<int:pk>/tao/", views.pledge_create, name="pledge_create"),
    path("giao-uoc/<int:pk>/nhom-nhiem-vu/", views.pledge_group_add, name="pledge_group_add"),
    path("giao-uoc/<int:pk>/ky-ket/", views.pledge_sign, name="pledge_sign"),
    path("giao-uoc/<int:pk>/giao-uoc.docx", views.pledge_docx, name="pledge_docx"),
    path("chi-tieu/<int:pk>/", views.targets_page, name="targets"),
    path("chi-tieu/<int:pk>/giao/", views.target_set, name="target_set"),
    path("chi-tieu/muc/<int:pk>/ket-qua/", views.target_actual, name="target_actual"),
    path("ky/<int:pk>/", views.period_detail, name="period"),
    path("ky/<int:pk>/thoi-han/", views.period_dates, name="period_dates"),
    path("ky/<int:pk>/phat-bang-diem/", views.period_open_sheets, name="period_open_sheets"),
    path("ky/<int:pk>/cong-bo/", views.period_publish, name="period_publish"),
    path("ky/<int:pk>/xep-hang/", views.ranking_page, name="ranking"),
    path("ky/<int:pk>/tong-hop.xlsx", views.period_summary_xlsx, name="period_summary_xlsx"),
]
