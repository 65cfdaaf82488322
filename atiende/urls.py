from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from atiende.api.api import api
from atiende.chat import views as chat_views

urlpatterns = [
    path("", include("atiende.helpcenter.urls")),
    path("ayuda/", include("atiende.kb.urls")),
    path("clientes/", include("atiende.clientarea.urls")),
    path("consola/correo/", include("atiende.mail.urls")),
    path("consola/informes/", include("atiende.reports.urls")),
    path("consola/chat/", chat_views.desk, name="chat_desk"),
    path("consola/", include("atiende.console.urls")),
    path("chat/", include("atiende.chat.urls")),
    path("cuenta/api/", include("atiende.api.urls")),
    path("cuenta/", include("atiende.accounts.urls")),
    path("api/v1/", api.urls),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]
