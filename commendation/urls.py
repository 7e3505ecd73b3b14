"""Xếp loại chất lượng pages, under /xep-loai/: the rule sets, a unit's year (its own result,
the roll-ups and the quota), streaks, the person registry (search, a person's history, adding
and editing people), and the import of people's results (dismissing or removing a batch).
Titles and commendation, under /khen-thuong/: the catalogue, eligibility checks, a person's
record, proposals and their route, the council's sessions, decisions and certificates."""

from django.urls import path

from commendation import views
from commendation import views_awards as awards

app_name = "commendation"

urlpatterns = [
    path("xep-loai/", views.index, name="index"),
    path("xep-loai/don-vi/<int:pk>/<int:year>/", views.unit_year, name="unit"),
    path("xep-loai/don-vi/<int:pk>/<int:year>/ghi-nhan/", views.unit_record, name="unit_record"),
    path("xep-loai/don-vi/<int:pk>/<int:year>/nam-lien/", views.streaks, name="streaks"),
    path("xep-loai/ca-nhan/", views.people_list, name="people"),
    path("xep-loai/ca-nhan/moi/", views.person_create, name="person_create"),
    path("xep-loai/ca-nhan/<int:pk>/", views.person_detail, name="person"),
    path("xep-loai/ca-nhan/<int:pk>/sua/", views.person_edit, name="person_edit"),
    path("xep-loai/nhap/", views.import_start, name="import"),
    path("xep-loai/nhap/<int:pk>/", views.import_batch, name="batch"),
    path("xep-loai/nhap/<int:pk>/tien-do/", views.import_progress, name="batch_progress"),
    path("xep-loai/nhap/<int:pk>/tep-goc/", views.batch_source, name="batch_source"),
    path("xep-loai/nhap/<int:pk>/bo/", views.batch_dismiss, name="batch_dismiss"),
    path("xep-loai/nhap/<int:pk>/xoa/", views.batch_remove, name="batch_remove"),
    # titles, proposals, the council and decisions (views_awards)
    path("khen-thuong/danh-muc/", awards.catalogue, name="forms"),
    path("khen-thuong/kiem-tra-dieu-kien/", awards.eligibility_check, name="eligibility"),
    path("khen-thuong/ho-so-thanh-tich/<int:pk>/", awards.dossier, name="dossier"),
    path("khen-thuong/de-nghi/", awards.proposal_list, name="proposals"),
    path("khen-thuong/de-nghi/moi/", awards.proposal_create, name="proposal_create"),
    path("khen-thuong/de-nghi/<int:pk>/", awards.proposal_detail, name="proposal"),
    path(
        "khen-thuong/de-nghi/<int:pk>/them-nguoi/",
        awards.proposal_nominee_add,
        name="proposal_nominee_add",
    ),
    path(
        "khen-thuong/de-nghi/<int:pk>/nguoi/<int:nominee_pk>/bo/",
        awards.proposal_nominee_remove,
        name="proposal_nominee_remove",
    ),
    path(
        "khen-thuong/de-nghi/<int:pk>/nguoi/<int:nominee_pk>/kiem-tra-lai/",
        awards.proposal_nominee_recheck,
        name="proposal_nominee_recheck",
    ),
    path("khen-thuong/de-nghi/<int:pk>/tai-lieu/", awards.proposal_attach, name="proposal_attach"),
    path("khen-thuong/de-nghi/<int:pk>/gui/", awards.proposal_submit, name="proposal_submit"),
    path(
        "khen-thuong/de-nghi/<int:pk>/cum-thong-qua/",
        awards.proposal_cluster_approve,
        name="proposal_cluster_approve",
    ),
    path("khen-thuong/de-nghi/<int:pk>/tra-lai/", awards.proposal_return, name="proposal_return"),
    path("khen-thuong/de-nghi/<int:pk>/rut/", awards.proposal_withdraw, name="proposal_withdraw"),
    path("khen-thuong/tai-lieu/<int:pk>/", awards.attachment_download, name="attachment"),
    path("khen-thuong/hoi-dong/", awards.session_list, name="sessions"),
    path("khen-thuong/hoi-dong/phien-hop/moi/", awards.session_open, name="session_open"),
    path("khen-thuong/hoi-dong/phien-hop/<int:pk>/", awards.session_detail, name="session"),
    path(
        "khen-thuong/hoi-dong/phien-hop/<int:pk>/diem-danh/",
        awards.session_attendance,
        name="session_attendance",
    ),
    path(
        "khen-thuong/hoi-dong/phien-hop/<int:pk>/kiem-phieu/",
        awards.session_tally,
        name="session_tally",
    ),
    path(
        "khen-thuong/hoi-dong/phien-hop/<int:pk>/ket-thuc/",
        awards.session_close,
        name="session_close",
    ),
    path(
        "khen-thuong/hoi-dong/phien-hop/<int:pk>/bien-ban/",
        awards.session_minutes,
        name="session_minutes",
    ),
    path("khen-thuong/quyet-dinh/", awards.decision_list, name="decisions"),
    path("khen-thuong/quyet-dinh/moi/", awards.decision_issue, name="decision_issue"),
    path("khen-thuong/quyet-dinh/<int:pk>/", awards.decision_detail, name="decision"),
    path(
        "khen-thuong/quyet-dinh/<int:pk>/thu-hoi/", awards.decision_revoke, name="decision_revoke"
    ),
    path(
        "khen-thuong/quyet-dinh/<int:pk>/in-bang/",
        awards.decision_certificates,
        name="decision_certificates",
    ),
    path(
        "khen-thuong/quyet-dinh/<int:pk>/khen-thuong/<int:award_pk>/thu-hoi/",
        awards.award_revoke,
        name="award_revoke",
    ),
    path(
        "khen-thuong/quyet-dinh/<int:pk>/khen-thuong/<int:award_pk>/in-bang/",
        awards.award_certificate,
        name="award_certificate",
    ),
]
