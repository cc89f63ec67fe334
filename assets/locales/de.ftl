# authbox auf Deutsch. Die Nachrichten entsprechen en.ftl, der Referenz; Erläuterungen zu den
# Variablen stehen dort. Anrede: „Sie“. Gerätecodes, Produkt- und Scope-Namen bleiben unverändert.

## Jede Seite

language-name = Deutsch
languages-label = Sprache

## Startseite (/)

home-intro = Hier verbinden Sie Ihren Fernseher, Ihre Spielkonsole oder ein anderes Gerät mit Ihrem Konto und sehen, was damit angemeldet ist.
home-connect = Gerät verbinden
home-sign-in = Anmelden
home-signed-in-as = Sie sind als { $account } angemeldet.
home-admin-heading = Verwaltung
home-admin-cli = Personen, Gruppen und Apps verwalten Sie mit dem Befehl authbox auf dem Server.

## Code eingeben (/device)

enter-code-title = Gerät verbinden
enter-code-intro = Geben Sie den Code ein, der auf Ihrem Fernseher, Ihrer Spielkonsole oder Ihrem anderen Gerät angezeigt wird.
check-code-title = Code prüfen
check-code-intro = Vergewissern Sie sich, dass dieser Code mit dem Code auf dem Bildschirm Ihres Geräts übereinstimmt. Falls nicht, fahren Sie nicht fort.
code-label = Code
continue-button = Weiter
code-wrong = Dieser Code stimmt nicht. Prüfen Sie den Code auf Ihrem Gerät und versuchen Sie es erneut.
enter-a-code = Code eingeben

code-expired-title = Dieser Code ist abgelaufen
code-expired-body = Beginnen Sie auf Ihrem Gerät von vorn, um einen neuen Code zu erhalten.
code-used-title = Dieser Code wurde bereits verwendet
code-used-body = Mit diesem Code wurde bereits ein Gerät verbunden. Falls Sie das nicht waren, beginnen Sie auf Ihrem Gerät von vorn.
code-denied-title = Diese Anfrage wurde abgelehnt
code-denied-body = Beginnen Sie auf Ihrem Gerät von vorn, wenn Sie es verbinden möchten.
no-such-code-title = Unbekannter Code
no-such-code-body = Beginnen Sie auf dem Gerät von vorn, um einen Code zu erhalten.

## Anmelden (/login)

sign-in-title = Anmelden
sign-in-for-device = Melden Sie sich an, um das Gerät mit dem Code { $code } zu verbinden.
sign-in-for-app = Melden Sie sich an, um mit { $app } fortzufahren.
# Nach „mit“: im Dativ.
an-app = der App
username-label = Benutzername
password-label = Passwort
sign-in-button = Anmelden
sign-in-rejected = Benutzername oder Passwort ist falsch.
sign-in-expired = Ihre Anmeldung ist abgelaufen. Melden Sie sich erneut an, um fortzufahren.
sign-in-for-devices = Melden Sie sich an, um die Geräte zu sehen, die mit Ihrem Konto angemeldet sind.
signed-in-title = Sie sind angemeldet
signed-in-as = Sie sind als { $account } angemeldet.
signed-in-enter-code = Code eines Geräts eingeben
signed-in-devices = Geräte ansehen, die mit Ihrem Konto angemeldet sind

## Ein Gerät zulassen

consent-title = Dieses Gerät verbinden?
consent-heading = Sie melden sich auf einem Gerät an
consent-wants = { $client } möchte Ihr Konto { $account } verwenden.
consent-code = Code
consent-requested = Angefragt
consent-requested-from = { $ago } von { $address }
same-network = Das Gerät scheint sich im selben Netzwerk wie Sie zu befinden.
other-network = Das Gerät befindet sich in einem anderen Netzwerk als Sie. Fahren Sie nur fort, wenn Sie den Vorgang selbst gestartet haben.
able-to = Das Gerät kann dann:
consent-warning = Fahren Sie nur fort, wenn der obige Code auf dem Bildschirm eines Geräts vor Ihnen angezeigt wird. Wenn Sie den Vorgang nicht selbst gestartet haben, wählen Sie „{ report-button }“.
report-button = Das habe ich nicht gestartet
deny-button = Ablehnen
approve-button = Zulassen
not-you = Nicht { $account }?
sign-out-button = Abmelden
stay-signed-in = Angemeldet bleiben

choose-approve-title = Wählen Sie „{ approve-button }“ oder „{ deny-button }“
form-no-choice = Das Formular hat keine Auswahl übermittelt.
device-connected-body = Sie sind auf dem Gerät angemeldet. Sie können jetzt zum Gerät zurückkehren und diese Seite schließen.
device-denied-body = Das Gerät wurde nicht verbunden. Sie können diese Seite schließen.
device-connected-named = { $client } ist verbunden
device-denied-named = { $client } wurde nicht verbunden
device-reported-named = { $client } wurde nicht verbunden und die Meldung ist eingegangen
device-reported-body = Danke. Das Gerät, das diesen Code anzeigte, wurde nicht verbunden und kann aus seinem Netzwerk eine Weile keinen neuen Code anfordern. Wenn Ihnen jemand diesen Code geschickt hat, hat er womöglich versucht, Ihr Konto zu nutzen: Sehen Sie sich die mit Ihrem Konto angemeldeten Geräte an und melden Sie alle ab, die Sie nicht kennen. Wenn Sie deswegen irgendwo Ihr Passwort eingegeben haben, ändern Sie es.
device-reported-review = Meine Geräte prüfen und die anderen abmelden
code-taken-title = Dieser Code wird von einem anderen Konto verwendet
code-taken-body = Jemand hat diesen Code bereits mit einem anderen Konto geöffnet, daher kann er hier nicht verwendet werden. Wenn Sie von niemandem einen Code erwartet haben, versucht womöglich jemand, in ein Konto zu gelangen: Ignorieren Sie ihn und geben Sie den Code nicht weiter.
enter-another-code = Einen anderen Code eingeben
account-unusable-title = Mit Ihrem Konto können keine Geräte verbunden werden
account-unusable-body = Wenden Sie sich an die Administration dieses Servers.

## Was ein Gerät oder eine App darf, je Scope

scope-openid = Wissen, wer Sie bei { $site } sind
scope-profile = Ihren Namen und Benutzernamen sehen
scope-email = Ihre E-Mail-Adresse sehen
scope-offline-access = Auf diesem Gerät angemeldet bleiben, bis Sie es abmelden
scope-groups = Sehen, in welchen Gruppen Sie sind
scope-api = { $scope } verwenden

## Eine Web-App zulassen

app-consent-title = Diese App zulassen?
app-consent-heading = Bei { $app } anmelden?
app-consent-wants = { $app } möchte Sie als { $account } anmelden.
app-consent-after = Anschließend kehren Sie zu { $host } zurück. Ihre Antwort wird gespeichert; Sie können sie unter { $devices } zurücknehmen.
app-able-to = Die App kann dann:
allow-button = Zulassen
choose-allow-title = Wählen Sie „{ allow-button }“ oder „{ deny-button }“
app-request-broken-title = Diese Anmeldung kann nicht fortgesetzt werden
app-unnamed = Die App hat nicht angegeben, welche App sie ist.
app-unknown = Diese App ist bei { $site } nicht bekannt.
return-unregistered = Die Adresse, zu der diese App zurückkehren möchte, ist für sie nicht registriert.
return-unnamed = Die App hat nicht angegeben, wohin sie zurückkehren möchte.
return-invalid = Die registrierte Rücksprungadresse der App ist ungültig.
return-insecure = Diese App kehrt zu einer unverschlüsselten http-Adresse in einem privaten Netz zurück, was dieser Server nicht erlaubt.
plain-http-warning = Dieser Server verwendet unverschlüsseltes http: Wer in diesem Netzwerk ist, kann mitlesen, was Sie hier eingeben, auch Ihr Passwort, und diese Seiten verändern.
request-damaged = Die Anmeldeanfrage wurde unterwegs beschädigt.
request-malformed = Die App hat eine fehlerhafte Anfrage gesendet (ein doppelter oder unlesbarer Parameter).
request-unreadable = Die Anfrage war zu groß oder ist nicht angekommen.

## Abmelden

sign-out-title = Abmelden?
sign-out-app-asks = { $app } möchte Sie abmelden.
sign-out-explain = Sie sind als { $account } angemeldet. Mit dem Abmelden endet Ihre Anmeldung in diesem Browser; verbundene Geräte bleiben verbunden.
signed-out-title = Abgemeldet
signed-out-body = Sie sind in diesem Browser abgemeldet.
sign-out-broken-title = Diese Abmeldung kann nicht fortgesetzt werden
sign-out-unverifiable = Die App hat eine Abmeldeanfrage gesendet, die { $site } nicht überprüfen kann.
sign-out-contradicts = Die Abmeldeanfrage der App widerspricht sich selbst.
sign-out-return-unregistered = Die Adresse, zu der diese App nach dem Abmelden zurückkehren möchte, ist für sie nicht registriert.
sign-out-return-invalid = Die Rücksprungadresse der App ist ungültig.

## Meine Geräte und Apps (/devices)

devices-title = Meine Geräte und Apps
devices-count =
    { $count ->
        [one] { $count } Gerät
       *[other] { $count } Geräte
    }
devices-none = Mit dem Konto { $account } ist kein Gerät angemeldet.
devices-intro =
    { $count ->
        [one] Dieses Gerät ist mit dem Konto { $account } angemeldet. Melden Sie es ab, wenn Sie es nicht kennen.
       *[other] Diese Geräte sind mit dem Konto { $account } angemeldet. Melden Sie alle ab, die Sie nicht kennen.
    }
device-facts = Verbunden am { $date }, zuletzt verwendet { $used }.
device-facts-from = Verbunden am { $date } von { $address } aus, zuletzt verwendet { $used }.
device-sign-out = { $client } abmelden
device-signed-out = { $client } ist abgemeldet.
device-not-found = Dieses Gerät wurde nicht gefunden.
apps-count =
    { $count ->
        [one] { $count } App
       *[other] { $count } Apps
    }
apps-none = Keine App meldet Sie ohne Nachfrage an.
apps-intro =
    { $count ->
        [one] Diese App darf Sie ohne erneute Nachfrage als { $account } anmelden.
       *[other] Diese Apps dürfen Sie ohne erneute Nachfrage als { $account } anmelden.
    }
app-facts = Zugelassen am { $date }.
app-forget = Zugriff für { $app } entziehen
app-forgotten = { $app } fragt vor der nächsten Anmeldung wieder nach.
app-not-found = Diese App wurde nicht gefunden.
connect-another = Weiteres Gerät verbinden

## Zeitangaben

ago-now = gerade eben
ago-minutes =
    { $count ->
        [one] vor einer Minute
       *[other] vor { $count } Minuten
    }
ago-hours =
    { $count ->
        [one] vor einer Stunde
       *[other] vor { $count } Stunden
    }
ago-days =
    { $count ->
        [one] vor einem Tag
       *[other] vor { $count } Tagen
    }
date-time = { $day }. { $month ->
        [1] Januar
        [2] Februar
        [3] März
        [4] April
        [5] Mai
        [6] Juni
        [7] Juli
        [8] August
        [9] September
        [10] Oktober
        [11] November
       *[12] Dezember
    } { $year }, { $hour }:{ $minute } Uhr UTC

## Die Kopplungsseite auf dem Fernseher (/device/pair)

pairing-title = Dieses Gerät verbinden
pairing-go-to = Scannen Sie den Code mit Ihrem Smartphone oder Computer, oder öffnen Sie
pairing-and-enter = und geben Sie diesen Code ein:
pairing-qr-label = QR-Code, der die Anmeldeseite öffnet

## Wenn etwas nicht geht

not-found-title = Seite nicht gefunden
not-found-body = Unter dieser Adresse gibt es nichts.
go-home = Zur Startseite
not-allowed-title = Hier nicht erlaubt
not-allowed-body = Diese Adresse nimmt diese Art von Anfrage nicht an.
form-too-large-title = Zu viele Daten
form-too-large-body = Das war mehr, als dieses Formular annimmt.
form-too-slow-title = Zu langsam
form-too-slow-body = Das Formular ist zu langsam angekommen. Versuchen Sie es erneut.
form-broken-title = Etwas ist schiefgelaufen
form-unreadable-body = Das Formular ist nicht angekommen.
form-unparsable-body = Das Formular konnte nicht gelesen werden.
form-stale-title = Dieses Formular ist veraltet
form-stale-body = Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es erneut.
paused-title = Zu viele Versuche
paused-body =
    { $minutes ->
        [one] Es gab zu viele falsche Versuche. Warten Sie { $minutes } Minute, bevor Sie es erneut versuchen.
       *[other] Es gab zu viele falsche Versuche. Warten Sie { $minutes } Minuten, bevor Sie es erneut versuchen.
    }
busy-title = Versuchen Sie es gleich noch einmal
busy-body = Gerade melden sich sehr viele Personen an.
fault-body = Der Server konnte das gerade nicht abschließen.

## The admin pages
admin-overview = Übersicht
admin-people = Personen
admin-clients = Clients
admin-keys = Signaturschlüssel
admin-audit = Protokoll
admin-sign-in = Melden Sie sich als Administrator an, um diese Seite zu sehen.
admin-only-title = Nur für Administratoren
admin-only-body = Sie sind als { $account } angemeldet, kein Administrator; diese Seite steht Ihnen daher nicht offen.
admin-refused-title = Das geht nicht
admin-issuer = Aussteller
admin-version = Version
admin-up-since = Läuft seit
admin-data-file = Datendatei
admin-schema = Schemaversion
admin-live-codes = Aktive Gerätecodes
admin-recent-refusals = Letzte Ablehnungen
admin-none = Keine.
admin-time = Zeit
admin-event = Ereignis
admin-who = Wer
admin-search = Suchen
admin-search-label = Name, Benutzername oder E-Mail
admin-username = Benutzername
admin-name = Name
admin-email = E-Mail
admin-email-verified = { $email } (bestätigt)
admin-subject = Subjekt (sub)
admin-role-admin = Administrator
admin-yes = Ja
admin-no = Nein
admin-state = Status
admin-state-active = Aktiv
admin-state-disabled = Deaktiviert
admin-created = Erstellt
admin-previous = Zurück
admin-next = Weiter
admin-devices = Verbundene Geräte
admin-client = Client
admin-approved = Bestätigt
admin-last-used = Zuletzt benutzt
admin-ended = Beendet
admin-revoke = Abmelden
admin-disable = Deaktivieren
admin-enable = Aktivieren
admin-cancel = Abbrechen
admin-disable-user-title = { $account } deaktivieren?
admin-disable-user-body = { $account } kann sich nicht mehr anmelden; Browsersitzungen und verbundene Geräte werden sofort abgemeldet und kommen auch beim erneuten Aktivieren nicht zurück. Sonst wird nichts gelöscht.
admin-client-id = Client-ID
admin-client-type = Typ
admin-grants = Grants
admin-scopes = Scopes
admin-redirect-uris = Weiterleitungs-URIs
admin-web-origins = Web-Origins
admin-access-token-ttl = Gültigkeit der Access-Tokens
admin-id-token-alg = ID-Token-Algorithmus
admin-server-default = Vorgabe des Servers
admin-seconds = { $count } s
admin-disable-client-title = { $client } deaktivieren?
admin-disable-client-body = Jede Anfrage von { $client } wird abgewiesen, bis der Client wieder aktiviert ist: Er bekommt keine neuen Tokens, und niemand kann sich dort anmelden oder ihn verbinden.
admin-key-id = Schlüssel-ID
admin-algorithm = Algorithmus
admin-rotate = Schlüssel wechseln
admin-rotate-title = Signaturschlüssel wechseln?
admin-rotate-body = Jeder Algorithmus bekommt einen neuen Schlüssel, der sofort veröffentlicht wird und nach einer JWKS-Cache-Dauer zu signieren beginnt; die bisherigen bleiben veröffentlicht, bis ihre Tokens abgelaufen sind.
admin-person = Person
admin-address = Adresse
admin-detail = Einzelheiten
admin-any-event = Alle Ereignisse
admin-filter = Filtern
## A device or app whose access policy keeps the signed-in person out
not-for-you-title = Für Ihr Konto nicht verfügbar
not-for-you-body = { $client } ist für { $account } nicht verfügbar: Nur bestimmte Personen dürfen es hier nutzen.
not-for-you-ask = Wenn Sie es nutzen sollten, bitten Sie die Person, die diesen Server betreibt, Ihr Konto freizugeben.
not-for-you-back-to-app = Zurück zur App
not-for-you-home = Startseite
not-for-you-switch = Als jemand anderes anmelden
admin-groups = Gruppen
admin-members = Mitglieder
admin-new-group = Neue Gruppe
admin-create = Anlegen
admin-remove-member = { $account } entfernen
admin-add-member = Mitglied hinzufügen (Benutzername)
admin-add = Hinzufügen
admin-rename-group = Gruppe umbenennen
admin-rename = Umbenennen
admin-delete = Löschen
admin-delete-group-title = Gruppe { $group } löschen?
admin-delete-group-body = Die Mitglieder bleiben, verlieren aber, was die Gruppe ihnen gab. Eine Gruppe, auf die ein Client beschränkt ist, lässt sich erst löschen, wenn der Client andere zulässt.
admin-allowed-groups = Wer ihn nutzen darf
admin-allowed-groups-label = Gruppen, die ihn nutzen dürfen (durch Leerzeichen getrennt; leer für alle)
admin-everyone = Alle
admin-save = Speichern
## Mein Konto, Einladungs- und Wiederherstellungslinks
account-title = Mein Konto
account-sign-in = Melden Sie sich an, um Ihr Konto zu sehen.
account-name = Name
account-email = E-Mail
account-not-set = nicht angegeben
account-groups = Gruppen
account-no-groups = Keine
account-password-heading = Passwort ändern
account-current-password = Aktuelles Passwort
account-new-password = Neues Passwort
account-repeat-password = Neues Passwort wiederholen
account-password-changed = Ihr Passwort wurde geändert. Andere Browser, in denen Sie angemeldet waren, wurden abgemeldet; dieser und Ihre Geräte bleiben angemeldet.
account-password-wrong = Das aktuelle Passwort ist falsch.
password-mismatch = Die beiden neuen Passwörter stimmen nicht überein. Geben Sie zweimal dasselbe ein.
password-policy = Wählen Sie ein Passwort mit mindestens 8 Zeichen (und höchstens 1024 Bytes).
link-invite-title = Willkommen, { $name }
link-invite-intro = Wählen Sie ein Passwort für Ihr neues Konto { $username }. Damit melden Sie sich künftig an.
link-reset-title = Neues Passwort wählen
link-reset-intro = Wählen Sie ein neues Passwort für { $username }. Danach sind Sie überall sonst abgemeldet.
link-expires = Dieser Link funktioniert einmal, bis { $date }.
link-button = Passwort festlegen und anmelden
link-unknown = Dieser Link funktioniert nicht
link-unknown-body = Prüfen Sie, ob Sie den ganzen Link geöffnet haben, oder bitten Sie den Absender um einen neuen.
link-used = Dieser Link wurde bereits verwendet
link-used-body = Jeder Link funktioniert nur einmal. Melden Sie sich mit dem damit gewählten Passwort an oder bitten Sie um einen neuen Link.
link-expired = Dieser Link ist abgelaufen
link-revoked = Dieser Link wurde zurückgezogen
link-closed = Dieses Konto kann nicht verwendet werden
link-ask-again = Bitten Sie den Absender des Links um einen neuen.
link-other-title = Sie sind als jemand anderes angemeldet
link-other-body = Dieser Browser ist als { $account } angemeldet, der Link gilt aber für ein anderes Konto. Melden Sie sich zuerst ab und öffnen Sie den Link dann erneut.
admin-invite = Jemanden einladen
admin-invite-intro = Das Konto wird jetzt angelegt, ohne Passwort; die Person wählt es mit dem Link auf ihrem Telefon.
admin-invite-groups = Gruppen (durch Leerzeichen getrennt)
admin-invite-admin = Als Administrator einrichten
admin-invited = { $account } ist eingeladen
admin-link-once = Dieser Link wird nur jetzt angezeigt. Geben Sie ihn der Person oder lassen Sie sie den Code mit dem Telefon scannen.
admin-link-qr = QR-Code des Links
admin-link-until = Er funktioniert einmal, bis { $time }.
admin-links = Einladungen und Wiederherstellungslinks
admin-link-kind = Art
admin-link-expires = Läuft ab
admin-withdraw = Zurückziehen
admin-reset = Wiederherstellungslink
admin-reset-title = Einen Wiederherstellungslink für { $account }?
admin-reset-body = Damit wird ein neues Passwort gesetzt und { $account } überall sonst abgemeldet, Geräte eingeschlossen. Ein früherer Link funktioniert dann nicht mehr.
admin-reset-made = Ein Wiederherstellungslink für { $account }
admin-remove = Entfernen
admin-remove-user-title = { $account } entfernen?
admin-remove-user-body = Das Konto wird gelöscht: Browsersitzungen, verbundene Geräte und Access-Tokens enden sofort, und Apps sehen seine Kennung nie wieder. Das lässt sich nicht rückgängig machen.
admin-secret-title = Ein neues Secret für { $client }?
admin-secret-body = Das bisherige Secret funktioniert sofort nicht mehr: { $client } braucht das neue.
admin-secret-rotate = Neues Secret
admin-secret-made = Das neue Secret von { $client }
admin-secret-once = Es wird nur jetzt angezeigt; gespeichert wird nur sein Hash.
admin-remove-client-title = { $client } entfernen?
admin-remove-client-body = { $client } wird gelöscht: seine Geräte und Apps bekommen keine Tokens mehr, und niemand kann sich dort anmelden oder ihn verbinden. Das lässt sich nicht rückgängig machen.
admin-new-client = Client registrieren
admin-new-client-confidential = Vertraulich (ein Server, der ein Secret geheim halten kann)

# Zweistufige Anmeldung (TOTP und Wiederherstellungscodes)
totp-title = Zweistufige Anmeldung
totp-code-prompt = Gib den sechsstelligen Code deiner Authenticator-App ein oder einen deiner Wiederherstellungscodes.
totp-code-label = Code
totp-continue = Weiter
totp-code-wrong = Dieser Code stimmt nicht oder wurde schon benutzt.
totp-code-malformed = Ein Code hat sechs Ziffern, ein Wiederherstellungscode sechzehn Buchstaben und Ziffern.
totp-pending-gone = In diesem Browser wartet keine Anmeldung auf einen Code, oder sie hat zu lange gewartet. Melde dich erneut an.
totp-status-on = Die zweistufige Anmeldung ist eingeschaltet.
totp-status-off = Die zweistufige Anmeldung ist aus: Das Passwort allein meldet dich an.
totp-set-up = Zweistufige Anmeldung einrichten
totp-enrol-intro = Scanne diesen QR-Code mit deiner Authenticator-App oder tippe den Schlüssel ein. Gib dann den Code ein, den die App zeigt, um die zweistufige Anmeldung einzuschalten.
totp-secret-label = Schlüssel
totp-qr-label = QR-Code, um dieses Konto einer Authenticator-App hinzuzufügen
totp-confirm = Einschalten
totp-enrol-again = Diese Einrichtung ist abgelaufen. Hier ist ein neuer Schlüssel; füge ihn der App erneut hinzu.
totp-recovery-title = Deine Wiederherstellungscodes
totp-recovery-intro = Jeder dieser Codes meldet dich einmal an, wenn dein Authenticator nicht zur Hand ist. Schreib sie jetzt auf: Sie werden nicht noch einmal gezeigt.
totp-turn-off = Zweistufige Anmeldung ausschalten
totp-off-wrong = Das Passwort oder der Code stimmt nicht.
totp-admin-title = Zweistufige Anmeldung nötig
totp-admin-body = Du bist als { $account } nur mit dem Passwort angemeldet. Die Verwaltungsseiten verlangen die zweistufige Anmeldung: Richte sie ein, melde dich dann ab und mit deinem Code erneut an.
