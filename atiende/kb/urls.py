from django.urls import path

from atiende.kb import editor_views, views

app_name = "kb"

urlpatterns = [
    path("", views.index, name="index"),
    path("categoria/<slug:slug>/", views.category, name="category"),
    path("articulo/<slug:slug>/", views.article, name="article"),
    path("articulo/<slug:slug>/opinion/", views.feedback, name="feedback"),
    path("archivos/<int:attachment_id>/<str:name>", views.attachment, name="attachment"),
    # Ticket deflection: the ticket form asks for suggestions while the
    # customer types, and opens them through the click URL, which records it.
    path("sugerencias/", views.suggestions, name="suggestions"),
    path("sugerencias/<int:article_id>/", views.suggestion_click, name="suggestion_click"),
    # The editor (agents and supervisors).
    path("editar/", editor_views.article_list, name="editor"),
    path("editar/nuevo/", editor_views.article_create, name="create"),
    path("editar/vista-previa/", editor_views.preview, name="preview"),
    path("editar/<int:article_id>/", editor_views.article_edit, name="edit"),
    path("editar/<int:article_id>/publicar/", editor_views.publish, name="publish"),
    path("editar/<int:article_id>/despublicar/", editor_views.unpublish, name="unpublish"),
    path("editar/<int:article_id>/eliminar/", editor_views.delete, name="delete"),
    path("editar/<int:article_id>/archivos/", editor_views.upload, name="upload"),
    path("editar/<int:article_id>/revisiones/", editor_views.revisions, name="revisions"),
    path(
        "editar/<int:article_id>/revisiones/<int:number>/",
        editor_views.revision_diff,
        name="revision",
    ),
    path(
        "editar/<int:article_id>/revisiones/<int:number>/restaurar/",
        editor_views.restore,
        name="restore",
    ),
]
