# authbox en français. Les messages sont ceux de en.ftl, la référence, où les variables sont
# expliquées. Vouvoiement ; espaces insécables avant « : », « ? », « ! » et « ; », et à l’intérieur
# des guillemets. Les codes d’appareil, les noms de produits et de scopes restent tels quels.

## Toutes les pages

language-name = Français
languages-label = Langue

## Page d’accueil (/)

home-intro = Associez ici votre téléviseur, votre console ou un autre appareil à votre compte, et retrouvez tout ce qui y est connecté.
home-connect = Associer un appareil
home-sign-in = Se connecter
home-signed-in-as = Compte connecté : { $account }
home-admin-heading = Administration
home-admin-cli = Les personnes, les groupes et les applications se gèrent avec la commande authbox sur le serveur.

## Saisie du code (/device)

enter-code-title = Associer un appareil
enter-code-intro = Saisissez le code affiché sur votre téléviseur, votre console ou votre autre appareil.
check-code-title = Vérifiez le code
check-code-intro = Assurez-vous que ce code est bien celui qui s’affiche sur l’écran de votre appareil. Sinon, n’allez pas plus loin.
code-label = Code
continue-button = Continuer
code-wrong = Ce code n’est pas le bon. Vérifiez le code affiché sur votre appareil et réessayez.
enter-a-code = Saisir un code

code-expired-title = Ce code a expiré
code-expired-body = Recommencez sur votre appareil pour obtenir un nouveau code.
code-used-title = Ce code a déjà été utilisé
code-used-body = Un appareil a déjà été associé avec ce code. Si ce n’était pas vous, recommencez sur votre appareil.
code-denied-title = Cette demande a été refusée
code-denied-body = Recommencez sur votre appareil si vous souhaitez l’associer.
no-such-code-title = Code inconnu
no-such-code-body = Recommencez sur l’appareil pour obtenir un code.

## Connexion (/login)

sign-in-title = Connexion
sign-in-for-device = Connectez-vous pour associer l’appareil qui affiche { $code }.
sign-in-for-app = Connectez-vous pour continuer vers { $app }.
an-app = l’application
username-label = Nom d’utilisateur
password-label = Mot de passe
sign-in-button = Se connecter
sign-in-rejected = Le nom d’utilisateur ou le mot de passe est incorrect.
sign-in-expired = Votre session a expiré. Reconnectez-vous pour continuer.
sign-in-for-devices = Connectez-vous pour voir les appareils connectés à votre compte.
signed-in-title = Connexion réussie
signed-in-as = Vous êtes connecté en tant que { $account }.
signed-in-enter-code = Saisir le code d’un appareil
signed-in-devices = Voir les appareils connectés à votre compte

## Autoriser un appareil

consent-title = Associer cet appareil ?
consent-heading = Vous vous connectez sur un appareil
consent-wants = { $client } souhaite utiliser votre compte, { $account }.
consent-code = Code
consent-requested = Demandé
consent-requested-from = { $ago }, depuis l’adresse { $address }
same-network = L’appareil semble se trouver sur le même réseau que vous.
other-network = L’appareil se trouve sur un autre réseau que le vôtre. Ne continuez que si c’est vous qui avez lancé cette demande.
able-to = L’appareil pourra :
consent-warning = Ne continuez que si le code ci-dessus s’affiche sur l’écran d’un appareil qui est devant vous. Si vous n’êtes pas à l’origine de cette demande, choisissez « { report-button } ».
report-button = Je n’ai pas fait cette demande
deny-button = Refuser
approve-button = Autoriser
not-you = Vous n’êtes pas { $account } ?
sign-out-button = Se déconnecter
stay-signed-in = Rester connecté

choose-approve-title = Choisissez « { approve-button } » ou « { deny-button } »
form-no-choice = Le formulaire n’indiquait aucun choix.
device-connected-body = Votre compte est connecté sur l’appareil. Vous pouvez y retourner et fermer cette page.
device-denied-body = L’appareil n’a pas été associé. Vous pouvez fermer cette page.
device-connected-named = { $client } est associé
device-denied-named = { $client } n’a pas été associé
device-reported-named = { $client } n’a pas été associé, et votre signalement est enregistré
device-reported-body = Merci. L’appareil qui affichait ce code n’a pas été associé et ne peut pas demander de nouveau code depuis son réseau pendant un moment. Si quelqu’un vous a envoyé ce code, il a peut-être tenté d’utiliser votre compte : consultez les appareils connectés à votre compte et déconnectez ceux que vous ne reconnaissez pas. Si vous avez saisi votre mot de passe quelque part à cause de cela, changez-le.
device-reported-review = Vérifier mes appareils et déconnecter les autres
code-taken-title = Ce code est utilisé par un autre compte
code-taken-body = Quelqu’un a déjà ouvert ce code en étant connecté à un autre compte ; il ne peut donc pas être utilisé ici. Si vous n’attendiez de code de personne, quelqu’un tente peut-être d’accéder à un compte : ignorez-le et ne transmettez pas le code.
enter-another-code = Saisir un autre code
account-unusable-title = Votre compte ne peut pas associer d’appareils
account-unusable-body = Adressez-vous à l’administrateur de ce serveur.

## Ce qu’un appareil ou une application pourra faire, par scope

scope-openid = Savoir qui vous êtes sur { $site }
scope-profile = Voir votre nom et votre nom d’utilisateur
scope-email = Voir votre adresse e-mail
scope-offline-access = Rester connecté sur cet appareil jusqu’à ce que vous le déconnectiez
scope-groups = Voir les groupes dont vous faites partie
scope-api = Utiliser { $scope }

## Autoriser une application web

app-consent-title = Autoriser cette application ?
app-consent-heading = Se connecter à { $app } ?
app-consent-wants = { $app } souhaite vous connecter avec le compte { $account }.
app-consent-after = Vous reviendrez ensuite sur { $host }. Votre réponse est mémorisée ; vous pourrez la retirer dans { $devices }.
app-able-to = L’application pourra :
allow-button = Autoriser
choose-allow-title = Choisissez « { allow-button } » ou « { deny-button } »
app-request-broken-title = Cette connexion ne peut pas aboutir
app-unnamed = L’application n’a pas indiqué de quelle application il s’agit.
app-unknown = Cette application n’est pas connue de { $site }.
return-unregistered = L’adresse de retour demandée par cette application n’est pas enregistrée pour elle.
return-unnamed = L’application n’a pas indiqué où revenir.
return-invalid = L’adresse de retour enregistrée pour cette application n’est pas valide.
return-insecure = Cette application revient vers une adresse http non chiffrée sur un réseau privé, ce que ce serveur n’autorise pas.
plain-http-warning = Ce serveur utilise http sans chiffrement : toute personne sur ce réseau peut lire ce que vous saisissez ici, y compris votre mot de passe, et modifier ces pages.
request-damaged = La demande de connexion a été altérée en chemin.
request-malformed = L’application a envoyé une demande mal formée (un paramètre répété ou illisible).
request-unreadable = La demande était trop volumineuse ou n’est pas arrivée.

## Déconnexion

sign-out-title = Se déconnecter ?
sign-out-app-asks = { $app } demande à vous déconnecter.
sign-out-explain = Vous utilisez le compte { $account }. La déconnexion met fin à votre session dans ce navigateur ; les appareils que vous avez associés restent connectés.
signed-out-title = Déconnexion effectuée
signed-out-body = Votre session dans ce navigateur est terminée.
sign-out-broken-title = Cette déconnexion ne peut pas aboutir
sign-out-unverifiable = L’application a envoyé une demande de déconnexion que { $site } ne peut pas vérifier.
sign-out-contradicts = La demande de déconnexion de l’application se contredit.
sign-out-return-unregistered = L’adresse où cette application demande à revenir après la déconnexion n’est pas enregistrée pour elle.
sign-out-return-invalid = L’adresse de retour de cette application n’est pas valide.

## Mes appareils et applications (/devices)

devices-title = Mes appareils et applications
# 0 et 1 sont au singulier en français.
devices-count =
    { $count ->
        [one] { $count } appareil
       *[other] { $count } appareils
    }
devices-none = Aucun appareil n’est connecté au compte { $account }.
devices-intro =
    { $count ->
        [one] Cet appareil est connecté au compte { $account }. Déconnectez-le si vous ne le reconnaissez pas.
       *[other] Ces appareils sont connectés au compte { $account }. Déconnectez ceux que vous ne reconnaissez pas.
    }
device-facts = Associé le { $date }, dernière utilisation { $used }.
device-facts-from = Associé le { $date } depuis { $address }, dernière utilisation { $used }.
device-sign-out = Déconnecter { $client }
device-signed-out = { $client } a été déconnecté.
device-not-found = Cet appareil est introuvable.
apps-count =
    { $count ->
        [one] { $count } application
       *[other] { $count } applications
    }
apps-none = Aucune application ne vous connecte sans vous le demander.
apps-intro =
    { $count ->
        [one] Cette application peut vous connecter avec le compte { $account } sans vous le redemander.
       *[other] Ces applications peuvent vous connecter avec le compte { $account } sans vous le redemander.
    }
app-facts = Autorisée le { $date }.
app-forget = Retirer l’accès à { $app }
app-forgotten = { $app } vous demandera de nouveau votre accord avant de vous connecter.
app-not-found = Cette application est introuvable.
connect-another = Associer un autre appareil

## Dates et durées

ago-now = à l’instant
ago-minutes =
    { $count ->
        [one] il y a { $count } minute
       *[other] il y a { $count } minutes
    }
ago-hours =
    { $count ->
        [one] il y a { $count } heure
       *[other] il y a { $count } heures
    }
ago-days =
    { $count ->
        [one] il y a { $count } jour
       *[other] il y a { $count } jours
    }
# Le premier du mois s’écrit « 1er ».
date-time = { $day ->
        [1] 1er
       *[other] { $day }
    } { $month ->
        [1] janvier
        [2] février
        [3] mars
        [4] avril
        [5] mai
        [6] juin
        [7] juillet
        [8] août
        [9] septembre
        [10] octobre
        [11] novembre
       *[12] décembre
    } { $year } à { $hour } h { $minute } UTC

## La page d’association affichée par le téléviseur (/device/pair)

pairing-title = Associer cet appareil
pairing-go-to = Sur votre téléphone ou votre ordinateur, scannez le code ou rendez-vous sur
pairing-and-enter = puis saisissez
pairing-qr-label = QR code qui ouvre la page de connexion

## Quand quelque chose est impossible

not-found-title = Page introuvable
not-found-body = Il n’y a rien à cette adresse.
go-home = Aller à la page d’accueil
not-allowed-title = Non autorisé ici
not-allowed-body = Cette adresse n’accepte pas ce type de requête.
form-too-large-title = Trop volumineux
form-too-large-body = C’est plus que ce que ce formulaire accepte.
form-too-slow-title = Trop lent
form-too-slow-body = Le formulaire a mis trop de temps à arriver. Réessayez.
form-broken-title = Un problème est survenu
form-unreadable-body = Le formulaire n’est pas arrivé.
form-unparsable-body = Le formulaire n’a pas pu être lu.
form-stale-title = Ce formulaire n’est plus à jour
form-stale-body = Revenez en arrière, rechargez la page et réessayez.
paused-title = Trop de tentatives
paused-body =
    { $minutes ->
        [one] Il y a eu trop de tentatives erronées. Patientez { $minutes } minute avant de réessayer.
       *[other] Il y a eu trop de tentatives erronées. Patientez { $minutes } minutes avant de réessayer.
    }
busy-title = Réessayez dans un instant
busy-body = Beaucoup de personnes se connectent en ce moment.
fault-body = Le serveur n’a pas pu terminer cette opération pour le moment.

## The admin pages
admin-overview = Vue d’ensemble
admin-people = Personnes
admin-clients = Clients
admin-keys = Clés de signature
admin-audit = Journal d’audit
admin-sign-in = Connectez-vous en tant qu’administrateur pour voir cette page.
admin-only-title = Réservé aux administrateurs
admin-only-body = Vous êtes connecté en tant que { $account }, qui n’est pas administrateur : cette page ne vous est pas ouverte.
admin-refused-title = Impossible
admin-issuer = Émetteur
admin-version = Version
admin-up-since = En service depuis
admin-data-file = Fichier de données
admin-schema = Version du schéma
admin-live-codes = Codes d’appareil en cours
admin-recent-refusals = Refus récents
admin-none = Aucun.
admin-time = Heure
admin-event = Événement
admin-who = Qui
admin-search = Rechercher
admin-search-label = Nom, identifiant ou e-mail
admin-username = Identifiant
admin-name = Nom
admin-email = E-mail
admin-email-verified = { $email } (vérifié)
admin-subject = Sujet (sub)
admin-role-admin = Administrateur
admin-yes = Oui
admin-no = Non
admin-state = État
admin-state-active = Actif
admin-state-disabled = Désactivé
admin-created = Créé
admin-previous = Précédent
admin-next = Suivant
admin-devices = Appareils associés
admin-client = Client
admin-approved = Approuvé
admin-last-used = Dernière utilisation
admin-ended = Terminé
admin-revoke = Déconnecter
admin-disable = Désactiver
admin-enable = Activer
admin-cancel = Annuler
admin-disable-user-title = Désactiver { $account } ?
admin-disable-user-body = { $account } ne peut plus se connecter ; ses sessions de navigateur et ses appareils associés sont déconnectés maintenant et ne reviennent pas si le compte est réactivé. Rien d’autre n’est supprimé.
admin-client-id = Identifiant client
admin-client-type = Type
admin-grants = Autorisations
admin-scopes = Portées
admin-redirect-uris = URI de redirection
admin-web-origins = Origines web
admin-access-token-ttl = Durée des jetons d’accès
admin-id-token-alg = Algorithme du jeton d’identité
admin-server-default = Valeur par défaut du serveur
admin-seconds = { $count } s
admin-disable-client-title = Désactiver { $client } ?
admin-disable-client-body = Toute requête de { $client } est refusée jusqu’à sa réactivation : il n’obtient plus de jetons, et personne ne peut s’y connecter ni l’associer.
admin-key-id = Identifiant de clé
admin-algorithm = Algorithme
admin-rotate = Renouveler les clés
admin-rotate-title = Renouveler les clés de signature ?
admin-rotate-body = Chaque algorithme reçoit une nouvelle clé, publiée maintenant, qui signe après une durée de cache JWKS ; les clés actuelles restent publiées jusqu’à l’expiration des jetons qu’elles ont signés.
admin-person = Personne
admin-address = Adresse
admin-detail = Détail
admin-any-event = Tous les événements
admin-filter = Filtrer
## A device or app whose access policy keeps the signed-in person out
not-for-you-title = Indisponible pour votre compte
not-for-you-body = { $client } n’est pas disponible pour { $account } : seules certaines personnes peuvent l’utiliser ici.
not-for-you-ask = Si vous devriez y avoir accès, demandez à la personne qui gère ce serveur d’autoriser votre compte.
not-for-you-back-to-app = Retour à l’application
not-for-you-home = Accueil
not-for-you-switch = Se connecter avec un autre compte
admin-groups = Groupes
admin-members = Membres
admin-new-group = Nouveau groupe
admin-create = Créer
admin-remove-member = Retirer { $account }
admin-add-member = Ajouter un membre (identifiant)
admin-add = Ajouter
admin-rename-group = Renommer le groupe
admin-rename = Renommer
admin-delete = Supprimer
admin-delete-group-title = Supprimer le groupe { $group } ?
admin-delete-group-body = Ses membres restent, mais perdent ce que le groupe leur donnait. Un groupe auquel un client est réservé ne peut être supprimé qu’une fois le client ouvert à d’autres.
admin-allowed-groups = Qui peut l’utiliser
admin-allowed-groups-label = Groupes autorisés (séparés par des espaces ; vide pour tout le monde)
admin-everyone = Tout le monde
admin-save = Enregistrer
## Mon compte, liens d’invitation et de récupération
account-title = Mon compte
account-sign-in = Connectez-vous pour voir votre compte.
account-name = Nom
account-email = Adresse e-mail
account-not-set = non renseigné
account-groups = Groupes
account-no-groups = Aucun
account-password-heading = Changer le mot de passe
account-current-password = Mot de passe actuel
account-new-password = Nouveau mot de passe
account-repeat-password = Nouveau mot de passe, à nouveau
account-password-changed = Votre mot de passe a été changé. Les autres navigateurs connectés à votre compte ont été déconnectés ; celui-ci et vos appareils restent connectés.
account-password-wrong = Le mot de passe actuel est incorrect.
password-mismatch = Les deux nouveaux mots de passe diffèrent. Saisissez deux fois le même.
password-policy = Choisissez un mot de passe d’au moins 8 caractères (et d’au plus 1024 octets).
link-invite-title = Bienvenue, { $name }
link-invite-intro = Choisissez un mot de passe pour votre nouveau compte { $username }. Vous vous connecterez désormais avec lui.
link-reset-title = Choisir un nouveau mot de passe
link-reset-intro = Choisissez un nouveau mot de passe pour { $username }. Ensuite, vous serez déconnecté partout ailleurs.
link-expires = Ce lien fonctionne une seule fois, jusqu’au { $date }.
link-button = Définir le mot de passe et se connecter
link-unknown = Ce lien ne fonctionne pas
link-unknown-body = Vérifiez que vous avez ouvert le lien en entier, ou demandez-en un nouveau à la personne qui l’a envoyé.
link-used = Ce lien a déjà été utilisé
link-used-body = Chaque lien ne fonctionne qu’une fois. Connectez-vous avec le mot de passe choisi grâce à lui, ou demandez un nouveau lien.
link-expired = Ce lien a expiré
link-revoked = Ce lien a été retiré
link-closed = Ce compte ne peut pas être utilisé
link-ask-again = Demandez un nouveau lien à la personne qui l’a envoyé.
link-other-title = Un autre compte est connecté
link-other-body = Ce navigateur est connecté en tant que { $account }, et le lien est destiné à un autre compte. Déconnectez-vous d’abord, puis ouvrez à nouveau le lien.
admin-invite = Inviter quelqu’un
admin-invite-intro = Le compte est créé maintenant, sans mot de passe ; la personne le choisit avec le lien, sur son téléphone.
admin-invite-groups = Groupes à rejoindre (séparés par des espaces)
admin-invite-admin = En faire un administrateur
admin-invited = { $account } est invité
admin-link-once = Ce lien n’est affiché que maintenant. Donnez-le à la personne, ou laissez-la scanner le code avec son téléphone.
admin-link-qr = QR code du lien
admin-link-until = Il fonctionne une fois, jusqu’au { $time }.
admin-links = Invitations et liens de récupération
admin-link-kind = Type
admin-link-expires = Expire
admin-withdraw = Retirer
admin-reset = Lien de récupération
admin-reset-title = Un lien de récupération pour { $account } ?
admin-reset-body = Il permet de choisir un nouveau mot de passe et déconnecte { $account } partout ailleurs, appareils compris. Un lien précédent cesse de fonctionner.
admin-reset-made = Un lien de récupération pour { $account }
admin-remove = Supprimer
admin-remove-user-title = Supprimer { $account } ?
admin-remove-user-body = Le compte est supprimé : ses sessions, ses appareils associés et ses jetons d’accès prennent fin maintenant, et les applications ne reverront jamais son identifiant. C’est irréversible.
admin-secret-title = Un nouveau secret pour { $client } ?
admin-secret-body = Le secret actuel cesse de fonctionner tout de suite : il faut donner le nouveau à { $client }.
admin-secret-rotate = Nouveau secret
admin-secret-made = Le nouveau secret de { $client }
admin-secret-once = Il n’est affiché que maintenant ; seul son hachage est conservé.
admin-remove-client-title = Supprimer { $client } ?
admin-remove-client-body = { $client } est supprimé : ses appareils et applications n’obtiennent plus de jetons, et personne ne peut s’y connecter ni l’associer. C’est irréversible.
admin-new-client = Enregistrer un client
admin-new-client-confidential = Confidentiel (un serveur capable de garder un secret)

# Connexion en deux étapes (TOTP et codes de secours)
totp-title = Connexion en deux étapes
totp-code-prompt = Saisissez le code à six chiffres affiché par votre application d’authentification, ou l’un de vos codes de secours.
totp-code-label = Code
totp-continue = Continuer
totp-code-wrong = Ce code n’est pas le bon, ou il a déjà servi.
totp-code-malformed = Un code compte six chiffres ; un code de secours, seize lettres et chiffres.
totp-pending-gone = Aucune connexion n’attend de code dans ce navigateur, ou elle a trop attendu. Reconnectez-vous.
totp-status-on = La connexion en deux étapes est activée.
totp-status-off = La connexion en deux étapes est désactivée : le mot de passe seul vous connecte.
totp-set-up = Activer la connexion en deux étapes
totp-enrol-intro = Scannez ce code QR avec votre application d’authentification, ou saisissez-y la clé. Entrez ensuite le code qu’elle affiche pour activer la connexion en deux étapes.
totp-secret-label = Clé
totp-qr-label = Code QR pour ajouter ce compte à une application d’authentification
totp-confirm = Activer
totp-enrol-again = Cette configuration a expiré. Voici une nouvelle clé ; ajoutez-la de nouveau à votre application.
totp-recovery-title = Vos codes de secours
totp-recovery-intro = Chacun de ces codes vous connecte une fois lorsque votre application d’authentification n’est pas à portée de main. Notez-les maintenant : ils ne seront plus affichés.
totp-turn-off = Désactiver la connexion en deux étapes
totp-off-wrong = Le mot de passe ou le code n’est pas le bon.
totp-admin-title = Connexion en deux étapes requise
totp-admin-body = Vous êtes connecté en tant que { $account } avec le seul mot de passe. Les pages d’administration exigent la connexion en deux étapes : activez-la, puis déconnectez-vous et reconnectez-vous avec votre code.
