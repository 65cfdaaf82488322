from django.urls import path

from atiende.clientarea import views
from atiende.tickets import customer_views as tickets

app_name = "clientarea"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("servicios/<int:service_id>/", views.service_detail, name="service"),
    path("organizaciones/<int:organisation_id>/", views.organisation_detail, name="organisation"),
    path("organizaciones/<int:organisation_id>/invitar/", views.invite, name="invite"),
    path("tickets/", tickets.ticket_list, name="tickets"),
    path("tickets/nuevo/", tickets.new_ticket, name="new_ticket"),
    path("tickets/<str:number>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<str:number>/recibido/", tickets.received, name="ticket_received"),
    path("tickets/<str:number>/responder/", tickets.reply, name="ticket_reply"),
    path("tickets/<str:number>/resuelto/", tickets.resolve, name="ticket_resolve"),
    path("tickets/<str:number>/reabrir/", tickets.reopen, name="ticket_reopen"),
    path("adjuntos/<int:attachment_id>/", tickets.attachment, name="attachment"),
]
