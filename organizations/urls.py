from django.urls import path

from organizations import views

app_name = "organizations"

urlpatterns = [
    path("don-vi/", views.unit_list, name="unit_list"),
    path("don-vi/them/", views.unit_create, name="unit_create"),
    path("don-vi/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("don-vi/<int:pk>/doi-ten/", views.unit_rename, name="unit_rename"),
    path("don-vi/<int:pk>/sap-nhap/", views.unit_merge, name="unit_merge"),
    path("don-vi/<int:pk>/chia-tach/", views.unit_split, name="unit_split"),
    path("don-vi/<int:pk>/giai-the/", views.unit_dissolve, name="unit_dissolve"),
    path("cum/", views.cluster_list, name="cluster_list"),
    path("cum/<int:pk>/", views.cluster_detail, name="cluster_detail"),
    path("cum/<int:pk>/thanh-vien/", views.cluster_member_add, name="cluster_member_add"),
    path(
        "cum/<int:pk>/thanh-vien/<int:membership_pk>/xoa/",
        views.cluster_member_remove,
        name="cluster_member_remove",
    ),
    path("cum/<int:pk>/bau-cu/", views.election_create, name="election_create"),
    path("bau-cu/<int:pk>/", views.election_detail, name="election_detail"),
    path("bau-cu/<int:pk>/phieu/<int:voter_pk>/", views.election_ballot, name="election_ballot"),
    path("bau-cu/<int:pk>/ket-thuc/", views.election_close, name="election_close"),
    path(
        "lich-su/<str:app_label>/<str:model>/<str:pk>/", views.audit_history, name="audit_history"
    ),
    path("healthz/", views.healthz, name="healthz"),
]
