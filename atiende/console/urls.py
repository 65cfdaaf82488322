from django.urls import path

from atiende.console import views
from atiende.tickets import console_views as tickets
from atiende.tickets import phone_views as phone

app_name = "console"

urlpatterns = [
    path("", tickets.queue, name="home"),
    path("tickets/", tickets.queue, name="queue"),
    path("tickets/lote/", tickets.bulk, name="bulk"),
    path("tickets/filtros/", tickets.save_filter, name="save_filter"),
    path("tickets/<str:number>/", tickets.ticket_page, name="ticket"),
    path("tickets/<str:number>/responder/", tickets.reply, name="ticket_reply"),
    path("tickets/<str:number>/cambiar/", tickets.change, name="ticket_change"),
    path("tickets/<str:number>/fusionar/", tickets.merge, name="ticket_merge"),
    path("tickets/<str:number>/presencia/", tickets.presence, name="ticket_presence"),
    path("telefono/", phone.desk, name="phone"),
    path("telefono/<str:number>/", phone.phone_ticket, name="phone_ticket"),
    path(
        "telefono/contacto/<int:contact_id>/nuevo/", phone.phone_new_ticket, name="phone_new_ticket"
    ),
    path("clientes/", views.home, name="customers"),
    path("clientes/<int:organisation_id>/", views.organisation_detail, name="organisation"),
]
