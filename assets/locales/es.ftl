# authbox en español. Los mensajes son los de en.ftl, la referencia, donde se explican las
# variables. Trato de «usted». Los códigos de dispositivo y los nombres de productos y de scopes
# no se traducen.

## Todas las páginas

language-name = Español
languages-label = Idioma

## Página de inicio (/)

home-intro = Desde aquí puede vincular su televisor, su consola u otro dispositivo con su cuenta, y ver qué tiene la sesión iniciada con ella.
home-connect = Vincular un dispositivo
home-sign-in = Iniciar sesión
home-signed-in-as = Ha iniciado sesión como { $account }.
home-admin-heading = Administración
home-admin-cli = Las personas, los grupos y las aplicaciones se gestionan con el comando authbox en el servidor.

## Introducir el código (/device)

enter-code-title = Vincular un dispositivo
enter-code-intro = Introduzca el código que aparece en su televisor, su consola u otro dispositivo.
check-code-title = Compruebe el código
check-code-intro = Asegúrese de que este código es el que aparece en la pantalla de su dispositivo. Si no lo es, no continúe.
code-label = Código
continue-button = Continuar
code-wrong = Ese código no es correcto. Compruebe el código que muestra su dispositivo e inténtelo de nuevo.
enter-a-code = Introducir un código

code-expired-title = Este código ha caducado
code-expired-body = Vuelva a empezar en su dispositivo para obtener un código nuevo.
code-used-title = Este código ya se ha usado
code-used-body = Ya se vinculó un dispositivo con este código. Si no fue usted, vuelva a empezar en su dispositivo.
code-denied-title = Esta solicitud se ha rechazado
code-denied-body = Vuelva a empezar en su dispositivo si quiere vincularlo.
no-such-code-title = Código desconocido
no-such-code-body = Vuelva a empezar en el dispositivo para obtener un código.

## Iniciar sesión (/login)

sign-in-title = Iniciar sesión
sign-in-for-device = Inicie sesión para vincular el dispositivo que muestra { $code }.
sign-in-for-app = Inicie sesión para continuar en { $app }.
an-app = la aplicación
username-label = Nombre de usuario
password-label = Contraseña
sign-in-button = Iniciar sesión
sign-in-rejected = El nombre de usuario o la contraseña no son correctos.
sign-in-expired = Su sesión ha caducado. Vuelva a iniciar sesión para continuar.
sign-in-for-devices = Inicie sesión para ver los dispositivos que tienen la sesión iniciada con su cuenta.
signed-in-title = Ha iniciado sesión
signed-in-as = Ha iniciado sesión como { $account }.
signed-in-enter-code = Introducir el código de un dispositivo
signed-in-devices = Ver los dispositivos que tienen la sesión iniciada con su cuenta

## Aprobar un dispositivo

consent-title = ¿Vincular este dispositivo?
consent-heading = Está iniciando sesión en un dispositivo
consent-wants = { $client } quiere usar su cuenta, { $account }.
consent-code = Código
consent-requested = Solicitado
consent-requested-from = { $ago }, desde la dirección { $address }
same-network = Parece que el dispositivo está en la misma red que usted.
other-network = El dispositivo está en una red distinta de la suya. Continúe solo si esta solicitud la inició usted.
able-to = El dispositivo podrá:
consent-warning = Continúe solo si el código de arriba aparece en la pantalla de un dispositivo que tiene delante. Si no inició usted esta solicitud, elija «{ report-button }».
report-button = Yo no inicié esto
deny-button = Rechazar
approve-button = Aprobar
not-you = ¿No es { $account }?
sign-out-button = Cerrar sesión
stay-signed-in = Mantener la sesión

choose-approve-title = Elija «{ approve-button }» o «{ deny-button }»
form-no-choice = El formulario no indicó ninguna de las dos opciones.
device-connected-body = Ha iniciado sesión en el dispositivo. Ya puede volver a él y cerrar esta página.
device-denied-body = El dispositivo no se ha vinculado. Puede cerrar esta página.
device-connected-named = { $client } está vinculado
device-denied-named = { $client } no se ha vinculado
device-reported-named = { $client } no se ha vinculado y hemos recibido su aviso
device-reported-body = Gracias. El dispositivo que mostraba este código no se ha vinculado y no podrá pedir un código nuevo desde su red durante un tiempo. Si alguien le envió este código, puede que intentara usar su cuenta: revise los dispositivos que tienen la sesión iniciada con su cuenta y cierre la sesión de los que no reconozca. Si escribió su contraseña en algún sitio por este motivo, cámbiela.
device-reported-review = Revisar mis dispositivos y cerrar la sesión de los demás
code-taken-title = Otra cuenta está usando este código
code-taken-body = Alguien ya abrió este código con otra cuenta, así que no se puede usar aquí. Si no esperaba un código de nadie, puede que alguien intente entrar en una cuenta: ignórelo y no pase el código a nadie.
enter-another-code = Introducir otro código
account-unusable-title = Su cuenta no puede vincular dispositivos
account-unusable-body = Consulte con la persona que administra este servidor.

## Lo que podrá hacer un dispositivo o una aplicación, por scope

scope-openid = Saber quién es usted en { $site }
scope-profile = Ver su nombre y su nombre de usuario
scope-email = Ver su dirección de correo electrónico
scope-offline-access = Mantener la sesión iniciada en este dispositivo hasta que usted la cierre
scope-groups = Ver a qué grupos pertenece
scope-api = Usar { $scope }

## Permitir una aplicación web

app-consent-title = ¿Permitir esta aplicación?
app-consent-heading = ¿Iniciar sesión en { $app }?
app-consent-wants = { $app } quiere iniciar su sesión como { $account }.
app-consent-after = Después volverá a { $host }. Su respuesta se recordará; puede retirarla en { $devices }.
app-able-to = La aplicación podrá:
allow-button = Permitir
choose-allow-title = Elija «{ allow-button }» o «{ deny-button }»
app-request-broken-title = Este inicio de sesión no puede continuar
app-unnamed = La aplicación no indicó qué aplicación es.
app-unknown = { $site } no conoce esta aplicación.
return-unregistered = La dirección a la que esta aplicación pidió volver no está registrada para ella.
return-unnamed = La aplicación no indicó adónde volver.
return-invalid = La dirección de retorno registrada para la aplicación no es válida.
return-insecure = Esta aplicación vuelve a una dirección http sin cifrar en una red privada, algo que este servidor no permite.
plain-http-warning = Este servidor usa http sin cifrar: cualquiera en esta red puede leer lo que escriba aquí, incluida su contraseña, y modificar estas páginas.
request-damaged = La solicitud de inicio de sesión se dañó por el camino.
request-malformed = La aplicación envió una solicitud mal formada (un parámetro repetido o ilegible).
request-unreadable = La solicitud era demasiado grande o no llegó.

## Cerrar sesión

sign-out-title = ¿Cerrar sesión?
sign-out-app-asks = { $app } solicita cerrar su sesión.
sign-out-explain = Ha iniciado sesión como { $account }. Al cerrar sesión, termina su sesión en este navegador; los dispositivos que vinculó siguen vinculados.
signed-out-title = Sesión cerrada
signed-out-body = Ha cerrado sesión en este navegador.
sign-out-broken-title = Este cierre de sesión no puede continuar
sign-out-unverifiable = La aplicación envió una solicitud de cierre de sesión que { $site } no puede verificar.
sign-out-contradicts = La solicitud de cierre de sesión de la aplicación se contradice.
sign-out-return-unregistered = La dirección a la que esta aplicación pidió volver tras cerrar sesión no está registrada para ella.
sign-out-return-invalid = La dirección de retorno de la aplicación no es válida.

## Mis dispositivos y aplicaciones (/devices)

devices-title = Mis dispositivos y aplicaciones
devices-count =
    { $count ->
        [one] { $count } dispositivo
       *[other] { $count } dispositivos
    }
devices-none = Ningún dispositivo tiene la sesión iniciada con la cuenta { $account }.
devices-intro =
    { $count ->
        [one] Este dispositivo tiene la sesión iniciada con la cuenta { $account }. Cierre su sesión si no lo reconoce.
       *[other] Estos dispositivos tienen la sesión iniciada con la cuenta { $account }. Cierre la sesión de los que no reconozca.
    }
device-facts = Vinculado el { $date }; último uso: { $used }.
device-facts-from = Vinculado el { $date } desde { $address }; último uso: { $used }.
device-sign-out = Cerrar la sesión de { $client }
device-signed-out = Se ha cerrado la sesión de { $client }.
device-not-found = No se ha encontrado ese dispositivo.
apps-count =
    { $count ->
        [one] { $count } aplicación
       *[other] { $count } aplicaciones
    }
apps-none = Ninguna aplicación inicia su sesión sin preguntar.
apps-intro =
    { $count ->
        [one] Esta aplicación puede iniciar su sesión como { $account } sin volver a preguntar.
       *[other] Estas aplicaciones pueden iniciar su sesión como { $account } sin volver a preguntar.
    }
app-facts = Permitida el { $date }.
app-forget = Retirar el acceso a { $app }
app-forgotten = { $app } volverá a preguntarle antes de iniciar su sesión.
app-not-found = No se ha encontrado esa aplicación.
connect-another = Vincular otro dispositivo

## Fechas y tiempos

ago-now = ahora mismo
ago-minutes =
    { $count ->
        [one] hace un minuto
       *[other] hace { $count } minutos
    }
ago-hours =
    { $count ->
        [one] hace una hora
       *[other] hace { $count } horas
    }
ago-days =
    { $count ->
        [one] hace un día
       *[other] hace { $count } días
    }
date-time = { $day } de { $month ->
        [1] enero
        [2] febrero
        [3] marzo
        [4] abril
        [5] mayo
        [6] junio
        [7] julio
        [8] agosto
        [9] septiembre
        [10] octubre
        [11] noviembre
       *[12] diciembre
    } de { $year }, { $hour ->
        [1] a la
       *[other] a las
    } { $hour }:{ $minute } UTC

## La página de vinculación que muestra el televisor (/device/pair)

pairing-title = Vincular este dispositivo
pairing-go-to = En su teléfono o computadora, escanee el código o vaya a
pairing-and-enter = e introduzca
pairing-qr-label = Código QR que abre la página de inicio de sesión

## Cuando algo no se puede hacer

not-found-title = Página no encontrada
not-found-body = No hay nada en esta dirección.
go-home = Ir a la página de inicio
not-allowed-title = Aquí no está permitido
not-allowed-body = Esta dirección no admite ese tipo de solicitud.
form-too-large-title = Demasiado grande
form-too-large-body = Eso supera lo que admite este formulario.
form-too-slow-title = Demasiado lento
form-too-slow-body = El formulario tardó demasiado en llegar. Inténtelo de nuevo.
form-broken-title = Algo salió mal
form-unreadable-body = El formulario no llegó.
form-unparsable-body = No se pudo leer el formulario.
form-stale-title = Este formulario está desactualizado
form-stale-body = Vuelva atrás, recargue la página e inténtelo de nuevo.
paused-title = Demasiados intentos
paused-body =
    { $minutes ->
        [one] Hubo demasiados intentos fallidos. Espere { $minutes } minuto antes de volver a intentarlo.
       *[other] Hubo demasiados intentos fallidos. Espere { $minutes } minutos antes de volver a intentarlo.
    }
busy-title = Inténtelo de nuevo en un momento
busy-body = Muchas personas están iniciando sesión en este momento.
fault-body = El servidor no pudo completar esto en este momento.

## The admin pages
admin-overview = Resumen
admin-people = Personas
admin-clients = Clientes
admin-keys = Claves de firma
admin-audit = Registro de auditoría
admin-sign-in = Inicie sesión como administrador para ver esta página.
admin-only-title = Solo para administradores
admin-only-body = Ha iniciado sesión como { $account }, que no es administrador, así que esta página no está disponible para usted.
admin-refused-title = No se puede hacer
admin-issuer = Emisor
admin-version = Versión
admin-up-since = En marcha desde
admin-data-file = Archivo de datos
admin-schema = Versión del esquema
admin-live-codes = Códigos de dispositivo en uso
admin-recent-refusals = Rechazos recientes
admin-none = Ninguno.
admin-time = Hora
admin-event = Evento
admin-who = Quién
admin-search = Buscar
admin-search-label = Nombre, usuario o correo
admin-username = Usuario
admin-name = Nombre
admin-email = Correo
admin-email-verified = { $email } (verificado)
admin-subject = Sujeto (sub)
admin-role-admin = Administrador
admin-yes = Sí
admin-no = No
admin-state = Estado
admin-state-active = Activo
admin-state-disabled = Desactivado
admin-created = Creado
admin-previous = Anterior
admin-next = Siguiente
admin-devices = Dispositivos vinculados
admin-client = Cliente
admin-approved = Aprobado
admin-last-used = Último uso
admin-ended = Terminado
admin-revoke = Cerrar sesión
admin-disable = Desactivar
admin-enable = Activar
admin-cancel = Cancelar
admin-disable-user-title = ¿Desactivar a { $account }?
admin-disable-user-body = { $account } ya no podrá iniciar sesión; sus sesiones del navegador y sus dispositivos vinculados se cierran ahora y no vuelven al activar de nuevo la cuenta. No se borra nada más.
admin-client-id = ID de cliente
admin-client-type = Tipo
admin-grants = Concesiones
admin-scopes = Ámbitos
admin-redirect-uris = URI de redirección
admin-web-origins = Orígenes web
admin-access-token-ttl = Duración de los tokens de acceso
admin-id-token-alg = Algoritmo del token de ID
admin-server-default = Valor predeterminado del servidor
admin-seconds = { $count } s
admin-disable-client-title = ¿Desactivar { $client }?
admin-disable-client-body = Todas las solicitudes de { $client } se rechazan hasta que se active de nuevo: no obtiene tokens nuevos y nadie puede iniciar sesión en él ni vincularlo.
admin-key-id = ID de clave
admin-algorithm = Algoritmo
admin-rotate = Rotar las claves
admin-rotate-title = ¿Rotar las claves de firma?
admin-rotate-body = Cada algoritmo recibe una clave nueva, publicada ahora, que firma tras una vida de la caché JWKS; las claves actuales siguen publicadas hasta que caduquen los tokens que firmaron.
admin-person = Persona
admin-address = Dirección
admin-detail = Detalle
admin-any-event = Cualquier evento
admin-filter = Filtrar
## A device or app whose access policy keeps the signed-in person out
not-for-you-title = No disponible para su cuenta
not-for-you-body = { $client } no está disponible para { $account }: aquí solo algunas personas pueden usarlo.
not-for-you-ask = Si debería tener acceso, pida a quien administra este servidor que autorice su cuenta.
not-for-you-back-to-app = Volver a la aplicación
not-for-you-home = Inicio
not-for-you-switch = Iniciar sesión con otra cuenta
admin-groups = Grupos
admin-members = Miembros
admin-new-group = Grupo nuevo
admin-create = Crear
admin-remove-member = Quitar a { $account }
admin-add-member = Añadir un miembro (usuario)
admin-add = Añadir
admin-rename-group = Cambiar el nombre del grupo
admin-rename = Cambiar nombre
admin-delete = Eliminar
admin-delete-group-title = ¿Eliminar el grupo { $group }?
admin-delete-group-body = Sus miembros se quedan, pero pierden lo que el grupo les daba. Un grupo al que está limitado un cliente no se puede eliminar hasta que el cliente admita a otros.
admin-allowed-groups = Quién puede usarlo
admin-allowed-groups-label = Grupos que pueden usarlo (separados por espacios; vacío para todos)
admin-everyone = Todos
admin-save = Guardar
## Mi cuenta, enlaces de invitación y de recuperación
account-title = Mi cuenta
account-sign-in = Inicie sesión para ver su cuenta.
account-name = Nombre
account-email = Correo electrónico
account-not-set = sin indicar
account-groups = Grupos
account-no-groups = Ninguno
account-password-heading = Cambiar la contraseña
account-current-password = Contraseña actual
account-new-password = Contraseña nueva
account-repeat-password = Repita la contraseña nueva
account-password-changed = Su contraseña ha cambiado. Se cerró la sesión en los demás navegadores; este y sus dispositivos siguen conectados.
account-password-wrong = La contraseña actual no es correcta.
password-mismatch = Las dos contraseñas nuevas no coinciden. Escriba la misma dos veces.
password-policy = Elija una contraseña de al menos 8 caracteres (y como mucho 1024 bytes).
link-invite-title = Bienvenido, { $name }
link-invite-intro = Elija una contraseña para su nueva cuenta { $username }. A partir de ahora iniciará sesión con ella.
link-reset-title = Elija una contraseña nueva
link-reset-intro = Elija una contraseña nueva para { $username }. Al hacerlo, se cerrará su sesión en todos los demás sitios.
link-expires = Este enlace funciona una sola vez, hasta el { $date }.
link-button = Guardar la contraseña e iniciar sesión
link-unknown = Este enlace no funciona
link-unknown-body = Compruebe que abrió el enlace completo o pida uno nuevo a quien se lo envió.
link-used = Este enlace ya se ha usado
link-used-body = Cada enlace funciona una sola vez. Inicie sesión con la contraseña que eligió con él o pida un enlace nuevo.
link-expired = Este enlace ha caducado
link-revoked = Este enlace se ha retirado
link-closed = Esta cuenta no se puede usar
link-ask-again = Pida un enlace nuevo a quien se lo envió.
link-other-title = Ha iniciado sesión con otra cuenta
link-other-body = Este navegador tiene la sesión iniciada como { $account } y el enlace es para otra cuenta. Cierre la sesión primero y después abra de nuevo el enlace.
admin-invite = Invitar a alguien
admin-invite-intro = La cuenta se crea ahora, sin contraseña; la persona la elige con el enlace, en su teléfono.
admin-invite-groups = Grupos a los que se une (separados por espacios)
admin-invite-admin = Hacerle administrador
admin-invited = { $account } está invitado
admin-link-once = Este enlace solo se muestra ahora. Déselo a la persona o deje que escanee el código con su teléfono.
admin-link-qr = Código QR del enlace
admin-link-until = Funciona una vez, hasta el { $time }.
admin-links = Invitaciones y enlaces de recuperación
admin-link-kind = Tipo
admin-link-expires = Caduca
admin-withdraw = Retirar
admin-reset = Enlace de recuperación
admin-reset-title = ¿Un enlace de recuperación para { $account }?
admin-reset-body = Con él se elige una contraseña nueva y se cierra la sesión de { $account } en todas partes, dispositivos incluidos. Un enlace anterior deja de funcionar.
admin-reset-made = Un enlace de recuperación para { $account }
admin-remove = Eliminar
admin-remove-user-title = ¿Eliminar a { $account }?
admin-remove-user-body = La cuenta se elimina: sus sesiones, dispositivos vinculados y tokens de acceso terminan ahora, y las aplicaciones no volverán a ver su identificador. No se puede deshacer.
admin-secret-title = ¿Un secreto nuevo para { $client }?
admin-secret-body = El secreto actual deja de funcionar de inmediato: hay que darle el nuevo a { $client }.
admin-secret-rotate = Secreto nuevo
admin-secret-made = El secreto nuevo de { $client }
admin-secret-once = Solo se muestra ahora; solo se guarda su hash.
admin-remove-client-title = ¿Eliminar { $client }?
admin-remove-client-body = { $client } se elimina: sus dispositivos y aplicaciones no obtienen más tokens y nadie puede iniciar sesión en él ni vincularlo. No se puede deshacer.
admin-new-client = Registrar un cliente
admin-new-client-confidential = Confidencial (un servidor que puede guardar un secreto)

# Inicio de sesión en dos pasos (TOTP y códigos de recuperación)
totp-title = Inicio de sesión en dos pasos
totp-code-prompt = Escribe el código de seis dígitos que muestra tu aplicación de autenticación, o uno de tus códigos de recuperación.
totp-code-label = Código
totp-continue = Continuar
totp-code-wrong = Ese código no es correcto o ya se usó.
totp-code-malformed = Un código tiene seis dígitos; un código de recuperación, dieciséis letras y dígitos.
totp-pending-gone = En este navegador no hay ningún inicio de sesión esperando un código, o esperó demasiado. Inicia sesión de nuevo.
totp-status-on = El inicio de sesión en dos pasos está activado.
totp-status-off = El inicio de sesión en dos pasos está desactivado: basta la contraseña.
totp-set-up = Configurar el inicio de sesión en dos pasos
totp-enrol-intro = Escanea este código QR con tu aplicación de autenticación o escribe la clave en ella. Después escribe el código que muestra para activar el inicio de sesión en dos pasos.
totp-secret-label = Clave
totp-qr-label = Código QR para añadir esta cuenta a una aplicación de autenticación
totp-confirm = Activar
totp-enrol-again = Esta configuración ha caducado. Aquí tienes una clave nueva; añádela otra vez a tu aplicación.
totp-recovery-title = Tus códigos de recuperación
totp-recovery-intro = Cada uno de estos códigos te permite iniciar sesión una vez cuando no tienes a mano tu autenticador. Anótalos ahora: no se volverán a mostrar.
totp-turn-off = Desactivar el inicio de sesión en dos pasos
totp-off-wrong = La contraseña o el código no es correcto.
totp-admin-title = Se necesita el inicio de sesión en dos pasos
totp-admin-body = Has iniciado sesión como { $account } solo con la contraseña. Las páginas de administración requieren el inicio de sesión en dos pasos: actívalo, cierra la sesión y vuelve a entrar con tu código.
