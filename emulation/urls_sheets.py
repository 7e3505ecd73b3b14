"""Score-sheet routes (bảng điểm), under /thi-dua/ in the "emulation" namespace."""

from django.urls import path

from emulation.views import sheets as views

urlpatterns = [
    path("bang-diem/<int:pk>/", views.sheet_detail, name="sheet"),
    path("bang-diem/<int:pk>/tu-cham/<int:criterion_pk>/", views.self_score, name="sheet_self"),
    path(
        "bang-diem/<int:pk>/cham/<int:reviewer_pk>/<int:criterion_pk>/",
        views.review_score,
        name="sheet_review",
    ),
    path("bang-diem/<int:pk>/giai-trinh/<int:criterion_pk>/", views.explain, name="sheet_explain"),
    path("bang-diem/<int:pk>/nop/", views.submit, name="sheet_submit"),
    path(
        "bang-diem/<int:pk>/ket-thuc-binh-xet/",
        views.complete_review,
        name="sheet_complete_review",
    ),
    path(
        "bang-diem/<int:pk>/nop-giai-trinh/",
        views.submit_explanation,
        name="sheet_submit_explanation",
    ),
    path("bang-diem/<int:pk>/chot/", views.finalize, name="sheet_finalize"),
    path("bang-diem/<int:pk>/mo-lai/", views.reopen, name="sheet_reopen"),
    path(
        "bang-diem/<int:pk>/lich-su/<int:criterion_pk>/",
        views.cell_history,
        name="sheet_cell_history",
    ),
    path(
        "bang-diem/<int:pk>/tai-lieu/<int:criterion_pk>/",
        views.evidence_upload,
        name="sheet_evidence_upload",
    ),
    path(
        "bang-diem/<int:pk>/tai-lieu/tai-ve/<int:evidence_pk>/",
        views.evidence_download,
        name="sheet_evidence",
    ),
    path("bang-diem/<int:pk>/excel/", views.sheet_excel, name="sheet_excel"),
    path("bang-diem/<int:pk>/nhap-excel/", views.sheet_import, name="sheet_import"),
]
