"""Synonyms and colloquial phrasing of web-hosting support, in Spanish and English.

Each entry names a *concept* and lists the ways customers and articles say it.
Wherever one of these phrases appears (in an article or in a query) the
analyser adds the concept's token, so "correo no deseado", "junk" and "spam"
all find the article about spam, and an English query finds a Spanish article.

Write phrases as people type them; accents, case, plural endings and filler
words ("de", "la", "my"…) do not matter because phrases go through the same
analyser as the text. Keep concepts specific: a phrase that belongs to many
unrelated articles only adds noise. Add a concept when ``atiende kb evaluate``
shows a query that fails for lack of one, not to fit a single query.
"""

from __future__ import annotations

CONCEPT_PREFIX = "zz"

# Several phrases per line read better than one per line.
# fmt: off
SYNONYMS: dict[str, list[str]] = {
    # --- Sites and servers ---------------------------------------------------
    "website": [
        "sitio", "sitio web", "pagina web", "web", "website", "site", "portal", "webpage",
    ],
    "down": [
        "caido", "caida", "cayo", "cae", "callo", "no carga", "no abre", "no funciona",
        "no sirve", "no responde", "no entra", "fuera de linea", "fuera de servicio",
        "inaccesible", "no esta disponible", "down", "offline", "outage", "unreachable",
        "not loading", "wont load", "won t load", "not working", "doesnt load", "doesn t load",
        "unavailable", "timed out", "time out", "timeout", "tiempo de espera agotado",
    ],
    "slow": [
        "lento", "lenta", "lentitud", "demora", "demorado", "tarda mucho", "pesado", "slow",
        "slowly", "sluggish", "takes forever",
    ],
    "intermittent": [
        "intermitente", "intermitencia", "ratos", "de vez en cuando", "intermittent",
        "sometimes", "on and off again",
    ],
    "blankpage": [
        "pagina en blanco", "pantalla blanca", "pantalla en blanco", "toda blanca",
        "todo blanco", "blanco", "blank page", "white screen", "blank screen", "wsod",
    ],
    "error500": [
        "error 500", "500", "internal server error", "error interno",
    ],
    "phperror": [
        "parse error", "fatal error", "error de php", "php error", "error critico",
    ],
    "database": [
        "base de datos", "bases de datos", "bd", "bbdd", "database", "databases", "db", "mysql",
        "mariadb", "phpmyadmin",
    ],
    "hacked": [
        "hackeado", "hackeada", "hackearon", "jaqueado", "hacked", "hacker", "hackers",
        "malware", "virus", "infectado", "infectada", "infected", "apuestas", "casino",
        "phishing", "defaced", "codigo malicioso", "malicious code",
    ],
    "redirect": [
        "redirige", "redirigir", "redireccion", "redirecciona", "redireccionar", "redirect",
        "redirects", "redirecting", "me manda a otra pagina", "me lleva a otra pagina",
    ],
    "ddos": [
        "ddos", "ataque", "ataques", "attack", "attacked", "trafico anomalo",
        "trafico sospechoso", "flood", "botnet", "bots", "visitas falsas", "trafico falso",
        "fake traffic",
    ],
    "resources": [
        "recursos", "uso de recursos", "cpu", "ram", "memoria", "memory", "resource usage",
        "limite de recursos", "entry processes", "inodos", "inodes",
    ],
    "php": [
        "php", "version de php", "php version", "multiphp",
    ],
    "wordpress": [
        "wordpress", "wp", "wp admin", "woocommerce", "elementor", "plugin", "plugins",
    ],
    "install": [
        "instalar", "instalacion", "install", "installation", "softaculous", "instalador",
    ],
    "status": [
        "estado de los servicios", "mantenimiento", "mantenimientos", "maintenance",
        "status page", "pagina de estado", "incidente general", "caida general",
    ],
    # --- Access and security --------------------------------------------------
    "password": [
        "contrasena", "clave", "password", "passwd", "pass", "contrasenas", "claves",
        "passwords",
    ],
    "forgot": [
        "olvide", "olvido", "olvidada", "no recuerdo", "no me acuerdo", "perdi la clave",
        "forgot", "forgotten", "cant remember", "lost my password",
    ],
    "reset": [
        "restablecer", "resetear", "reset", "reestablecer", "recuperar contrasena",
        "cambiar contrasena", "nueva contrasena", "new password", "change password",
    ],
    "login": [
        "entrar", "ingresar", "acceder", "acceso", "iniciar sesion", "inicio de sesion",
        "loguear", "loguearme", "logearme", "login", "signin", "access", "no me deja entrar",
        "no abre", "no me abre", "no puedo entrar", "cant log in", "can t log in",
    ],
    "blocked": [
        "bloqueo", "bloqueado", "bloqueada", "bloquear", "bloquearon", "bloquea", "bloquean",
        "baneado", "baneada", "banearon", "block", "blocked", "blocking", "banned", "ban",
        "unblock", "desbloquear", "desbloqueo",
    ],
    "firewall": [
        "firewall", "cortafuegos", "csf", "imunify", "imunify360", "fail2ban", "lfd",
    ],
    "ip": [
        "ip", "direccion ip", "ip address", "ip publica", "public ip",
    ],
    "twofactor": [
        "dos pasos", "doble factor", "2fa", "dos factores", "two factor", "2 step", "two step",
        "mfa", "otp", "authenticator", "google authenticator", "codigo de verificacion",
        "verification code",
    ],
    "ssl": [
        "ssl", "https", "certificado", "certificado ssl", "certificate", "tls", "candado",
        "no seguro", "not secure", "inseguro", "letsencrypt", "lets encrypt", "autossl",
        "conexion no es privada", "not private", "padlock",
    ],
    "cpanel": [
        "cpanel", "panel de control", "control panel", "whm", "panel del hosting",
    ],
    "clientarea": [
        "area de clientes", "area cliente", "portal de clientes", "client area",
        "customer area", "customer portal", "whmcs", "zona de clientes",
    ],
    "contacts": [
        "contacto autorizado", "contactos autorizados", "authorized contact",
        "authorised contact", "usuario adicional", "agregar usuario", "add user", "subcuenta",
        "socio", "colega", "empleado", "otra persona", "colleague", "coworker", "team member",
    ],
    # --- Email -----------------------------------------------------------------
    "email": [
        "correo", "correos", "email", "emails", "mail", "mails", "correo electronico", "buzon",
        "mailbox", "inbox",
    ],
    "webmail": [
        "webmail", "roundcube", "horde",
    ],
    "mailclient": [
        "outlook", "thunderbird", "apple mail", "cliente de correo", "gestor de correo",
        "email client", "mail app", "gmail app",
    ],
    "spam": [
        "spam", "correo no deseado", "no deseado", "no deseados", "junk", "correo basura",
        "bandeja de spam", "spam folder", "promociones", "lista negra", "blacklist",
        "blacklisted", "spamhaus", "rbl",
    ],
    "emailauth": [
        "spf", "dkim", "dmarc", "ptr", "reverse dns", "dns inverso",
    ],
    "bounce": [
        "rebota", "rebotan", "rebote", "rebotes", "rebotado", "devuelto", "devuelven",
        "devuelve", "bounce", "bounced", "bounces", "undeliverable", "mailer daemon",
        "no entregado", "delivery failed", "mail delivery",
    ],
    "quota": [
        "buzon lleno", "cuota", "quota", "mailbox full", "over quota", "sin espacio",
        "espacio lleno", "disk quota", "disco lleno", "disk full", "storage full",
    ],
    "send": [
        "enviar", "envio", "envia", "mandar", "send", "sending", "sent", "outgoing",
        "correo saliente", "salida", "smtp",
    ],
    "receive": [
        "recibir", "recibe", "recibo", "llegan", "llega", "no me llegan", "entrante", "receive",
        "receiving", "incoming", "arrive", "arriving", "imap", "pop3",
    ],
    "mobile": [
        "celular", "movil", "smartphone", "android", "iphone", "ipad", "ios", "mobile",
        "cellphone", "phone", "tablet",
    ],
    # --- Domains and DNS ---------------------------------------------------------
    "domain": [
        "dominio", "dominios", "domain", "domains", "dominio propio", "url",
    ],
    "dns": [
        "dns", "registro dns", "registros dns", "zona dns", "dns zone", "dns record",
        "dns records", "zone editor", "editor de zona", "cname", "mx", "txt",
    ],
    "nameservers": [
        "nameserver", "nameservers", "servidores de nombres", "servidores dns", "ns1", "ns2",
        "name servers", "name server", "dns servers", "apuntar", "apuntar dominio", "point",
        "pointing", "delegar",
    ],
    "propagation": [
        "propagacion", "propagar", "propaga", "propagation", "propagate", "propagating",
        "todavia sale", "sigue saliendo", "pagina vieja", "sitio viejo", "old site", "old page",
        "still shows", "hasta 48 horas", "48 hours",
    ],
    "domaintransfer": [
        "transferir dominio", "transferencia de dominio", "trasladar dominio", "traer dominio",
        "pasar dominio", "mover dominio", "migrar dominio", "domain transfer",
        "transfer domain", "move domain", "codigo epp", "epp", "auth code",
        "authorization code", "codigo de autorizacion", "godaddy", "namecheap", "registrador",
        "registrar",
    ],
    "subdomain": [
        "subdominio", "subdominios", "subdomain", "subdomains",
    ],
    # --- Files and backups --------------------------------------------------------
    "backup": [
        "copia de seguridad", "copias de seguridad", "respaldo", "respaldos", "backup",
        "backups", "jetbackup", "copia completa", "full backup",
    ],
    "restore": [
        "restaurar", "restauracion", "restore", "restoring", "recuperar", "recuperacion",
        "recover", "recovery", "devolver a como estaba", "roll back", "rollback",
    ],
    "deleted": [
        "borrar", "borre", "borrado", "borrados", "borraron", "borro", "eliminar", "elimine",
        "eliminado", "eliminados", "delete", "deleted", "removed", "sin querer", "accidentally",
        "mistake", "perdi", "perdido", "perdidos", "lost",
    ],
    "retention": [
        "retencion", "retention", "frecuencia", "frequency", "cada cuanto", "how often",
        "cuantos dias", "cuanto tiempo guardan", "guardan", "conservan", "keep backups",
        "diaria", "diario", "daily", "semanal", "weekly", "historial", "history",
    ],
    "ftp": [
        "ftp", "sftp", "filezilla", "subir archivos", "upload files", "cliente ftp",
        "ftp client", "administrador de archivos", "file manager",
    ],
    "logs": [
        "log", "logs", "error log", "error_log", "access log", "registro de errores",
        "registros de acceso", "bitacora", "raw access",
    ],
    # --- Billing -------------------------------------------------------------------
    "payment": [
        "pago", "pagos", "pagar", "pague", "pagado", "payment", "payments", "pay", "paid",
        "transferencia bancaria", "consignacion", "consigne", "deposito", "pse", "tarjeta",
        "tarjeta de credito", "credit card", "nequi", "bank transfer", "wire transfer",
        "comprobante de pago", "soporte de pago", "proof of payment",
    ],
    "invoice": [
        "factura", "facturas", "factura electronica", "facturacion", "invoice", "invoices",
        "billing", "recibo", "cuenta de cobro", "nit", "rut",
    ],
    "renewal": [
        "renovar", "renovacion", "renueva", "renew", "renewal", "vencimiento", "vence",
        "expira", "expired", "expires", "vencido",
    ],
    "suspended": [
        "suspendido", "suspendida", "suspension", "suspender", "suspended", "suspend",
        "cuenta suspendida", "account suspended", "corte", "cortaron", "desactivado",
    ],
    "activate": [
        "activar", "activacion", "activa", "no se activa", "activate", "activation",
        "habilitar", "reactivar", "reactivate",
    ],
    "license": [
        "licencia", "licencias", "license", "licence", "licensing", "unlicensed",
    ],
    # --- Support itself -----------------------------------------------------------------
    "ticket": [
        "ticket", "tickets", "tiquete", "caso", "solicitud", "requerimiento", "radicar",
        "abrir ticket", "open ticket", "support request", "numero de caso", "case number",
    ],
    "supportplan": [
        "nivel de soporte", "niveles de soporte", "plan de soporte", "support plan",
        "support level", "soporte nivel", "soporte premium",
    ],
    "responsetime": [
        "tiempo de respuesta", "tiempos de respuesta", "cuanto tardan", "cuanto se demoran",
        "response time", "how long", "sla",
    ],
    "phonesupport": [
        "soporte telefonico", "atencion telefonica", "telefonico", "telefonica", "llamar",
        "llamada", "telefono", "linea de soporte", "call", "phone support", "hotline",
        "whatsapp",
    ],
    "remote": [
        "asistencia remota", "anydesk", "teamviewer", "escritorio remoto", "remote assistance",
        "remote desktop", "remote access", "conexion remota",
    ],
}
# fmt: on
