# authbox's page text in English: the reference catalog. Every other catalog in this folder
# has exactly its messages (tests/it/languages.rs checks), and a message missing from one falls
# back to this one. Fluent syntax: https://projectfluent.org/fluent/guide/
#
# Variables: $site is the server's name (--site-name); $account a person's name; $client and
# $app a device's or app's name; $code a code such as BCDF-GHJK; $count a number that chooses
# the plural form. Keep device codes, product names and scope names as they are.

## Every page

# This language's own name, in the language picker.
language-name = English
languages-label = Language

## The landing page (/)

home-intro = Connect your TV, console or other device to your account here, and see what is signed in as you.
home-connect = Connect a device
home-sign-in = Sign in
home-signed-in-as = You are signed in as { $account }.
home-admin-heading = Administration
home-admin-cli = People, groups and apps are managed with the authbox command on the server.

## Entering the code (/device)

enter-code-title = Connect a device
enter-code-intro = Enter the code shown on your TV, console or other device.
check-code-title = Check the code
check-code-intro = Make sure this code is the one shown on your device's screen. If it is not, do not continue.
code-label = Code
continue-button = Continue
code-wrong = That code is not right. Check the code on your device and try again.
enter-a-code = Enter a code

code-expired-title = This code has expired
code-expired-body = Start again on your device to get a new code.
code-used-title = This code has already been used
code-used-body = A device was already connected with this code. If that was not you, start again on your device.
code-denied-title = This request was denied
code-denied-body = Start again on your device if you want to connect it.
no-such-code-title = No such code
no-such-code-body = Start again on the device to get a code.

## Signing in (/login)

sign-in-title = Sign in
sign-in-for-device = Sign in to connect the device showing { $code }.
sign-in-for-app = Sign in to continue to { $app }.
# Where an app's name is not known.
an-app = the app
username-label = Username
password-label = Password
sign-in-button = Sign in
sign-in-rejected = The username or password is not right.
sign-in-expired = Your sign-in has expired. Sign in again to continue.
sign-in-for-devices = Sign in to see the devices signed in as you.
signed-in-title = You are signed in
signed-in-as = You are signed in as { $account }.
signed-in-enter-code = Enter a device's code
signed-in-devices = See the devices signed in as you

## Approving a device

consent-title = Connect this device?
consent-heading = You are signing in on a device
consent-wants = { $client } wants to use your account, { $account }.
consent-code = Code
consent-requested = Requested
consent-requested-from = { $ago } from { $address }
same-network = The device seems to be on the same network as you.
other-network = The device is on a different network from you. Only continue if you started this yourself.
# Before the list of what a device may do once approved.
able-to = It will be able to:
consent-warning = Only continue if the code above is on the screen of a device in front of you. If you did not start this, choose “{ report-button }”.
report-button = I didn't start this
deny-button = Deny
approve-button = Approve
not-you = Not { $account }?
sign-out-button = Sign out
stay-signed-in = Stay signed in

choose-approve-title = Choose { approve-button } or { deny-button }
form-no-choice = The form did not say which.
device-connected-body = You are signed in on the device. You can go back to it now and close this page.
device-denied-body = The device was not connected. You can close this page.
device-connected-named = { $client } is connected
device-denied-named = { $client } was not connected
device-reported-named = { $client } was not connected, and we were told
device-reported-body = Thank you. The device that showed this code was not connected, and it cannot ask for a new code from its network for a while. If someone sent you this code, they may have tried to use your account: look at the devices signed in as you and sign out any you do not recognize. If you typed your password anywhere because of this, change it.
device-reported-review = Review my devices and sign out the others
code-taken-title = This code is being used by another account
code-taken-body = Someone else already opened this code while signed in to another account, so it cannot be used here. If you did not expect a code from anyone, someone may be trying to get into an account: ignore it, and do not pass the code on.
enter-another-code = Enter another code
account-unusable-title = Your account cannot connect devices
account-unusable-body = Ask the administrator.

## What a device or app may do, by scope

scope-openid = Know who you are on { $site }
scope-profile = See your name and username
scope-email = See your email address
scope-offline-access = Stay signed in on this device until you sign it out
scope-groups = See which groups you are in
# An API scope the server's operator defined, by its name.
scope-api = Use { $scope }

## Allowing a web app

app-consent-title = Allow this app?
app-consent-heading = Sign in to { $app }?
app-consent-wants = { $app } wants to sign you in as { $account }.
app-consent-after = Afterwards you go back to { $host }. Your answer is remembered; you can take it back on { $devices }.
# Before the list of what an app may do once allowed.
app-able-to = It will be able to:
allow-button = Allow
choose-allow-title = Choose { allow-button } or { deny-button }
app-request-broken-title = This sign-in cannot continue
app-unnamed = The app did not say which app it is.
app-unknown = This app is not known to { $site }.
return-unregistered = The address this app asked to return to is not registered for it.
return-unnamed = The app did not say where to return to.
return-invalid = The app's registered return address is not valid.
return-insecure = This app returns to a plain-http address on a private network, which this server does not allow.
plain-http-warning = This server uses plain http: anyone on this network can read what you type here, your password included, and change these pages.
request-damaged = The sign-in request was damaged on the way.
request-malformed = The app sent a malformed request (a repeated or unreadable parameter).
request-unreadable = The request was too large or did not arrive.

## Signing out

sign-out-title = Sign out?
sign-out-app-asks = { $app } asks to sign you out.
sign-out-explain = You are signed in as { $account }. Signing out ends your sign-in on this browser; devices you connected stay connected.
signed-out-title = Signed out
signed-out-body = You are signed out on this browser.
sign-out-broken-title = This sign-out cannot continue
sign-out-unverifiable = The app sent a sign-out request that { $site } cannot verify.
sign-out-contradicts = The app's sign-out request contradicts itself.
sign-out-return-unregistered = The address this app asked to return to after signing out is not registered for it.
sign-out-return-invalid = The app's return address is not valid.

## My devices and apps (/devices)

devices-title = My devices and apps
devices-count =
    { $count ->
        [one] { $count } device
       *[other] { $count } devices
    }
devices-none = No device is signed in as { $account }.
devices-intro =
    { $count ->
        [one] This device is signed in as { $account }. Sign it out if you do not recognise it.
       *[other] These devices are signed in as { $account }. Sign out any you do not recognise.
    }
device-facts = Connected on { $date }, last used { $used }.
device-facts-from = Connected on { $date } from { $address }, last used { $used }.
device-sign-out = Sign out { $client }
device-signed-out = { $client } is signed out.
device-not-found = That device was not found.
apps-count =
    { $count ->
        [one] { $count } app
       *[other] { $count } apps
    }
apps-none = No app signs you in without asking.
apps-intro =
    { $count ->
        [one] This app may sign you in as { $account } without asking again.
       *[other] These apps may sign you in as { $account } without asking again.
    }
app-facts = Allowed on { $date }.
app-forget = Remove access for { $app }
app-forgotten = { $app } will ask before signing you in again.
app-not-found = That app was not found.
connect-another = Connect another device

## Times

ago-now = just now
ago-minutes =
    { $count ->
        [one] a minute ago
       *[other] { $count } minutes ago
    }
ago-hours =
    { $count ->
        [one] an hour ago
       *[other] { $count } hours ago
    }
ago-days =
    { $count ->
        [one] a day ago
       *[other] { $count } days ago
    }
# A moment in UTC: $year, $month (1–12), $day and $hour (0–23) are numbers; $minute is two
# digits (05).
date-time = { $day } { $month ->
        [1] January
        [2] February
        [3] March
        [4] April
        [5] May
        [6] June
        [7] July
        [8] August
        [9] September
        [10] October
        [11] November
       *[12] December
    } { $year }, { $hour }:{ $minute } UTC

## The pairing page a TV shows (/device/pair)

pairing-title = Connect this device
pairing-go-to = On your phone or computer, scan the code or go to
pairing-and-enter = and enter
pairing-qr-label = QR code that opens the sign-in page

## When something cannot be done

not-found-title = Page not found
not-found-body = There is nothing at this address.
go-home = Go to the start page
not-allowed-title = Not allowed here
not-allowed-body = This address does not take that kind of request.
form-too-large-title = Too much
form-too-large-body = That was more than this form takes.
form-too-slow-title = Too slow
form-too-slow-body = The form took too long to arrive. Try again.
form-broken-title = Something went wrong
form-unreadable-body = The form did not arrive.
form-unparsable-body = The form could not be read.
form-stale-title = This form is out of date
form-stale-body = Go back, reload the page and try again.
paused-title = Too many tries
paused-body =
    { $minutes ->
        [one] There were too many wrong tries. Wait { $minutes } minute before trying again.
       *[other] There were too many wrong tries. Wait { $minutes } minutes before trying again.
    }
busy-title = Try again in a moment
busy-body = Many people are signing in right now.
fault-body = The server could not finish this just now.

## The admin pages
admin-overview = Overview
admin-people = People
admin-clients = Clients
admin-keys = Signing keys
admin-audit = Audit log
admin-sign-in = Sign in as an administrator to see this page.
admin-only-title = For administrators only
admin-only-body = You are signed in as { $account }, who is not an administrator, so this page is not open to you.
admin-refused-title = That cannot be done
admin-issuer = Issuer
admin-version = Version
admin-up-since = Running since
admin-data-file = Data file
admin-schema = Schema version
admin-live-codes = Device codes in use
admin-recent-refusals = Recent refusals
admin-none = None.
admin-time = Time
admin-event = Event
admin-who = Who
admin-search = Search
admin-search-label = Name, username or email
admin-username = Username
admin-name = Name
admin-email = Email
admin-email-verified = { $email } (verified)
admin-subject = Subject (sub)
admin-role-admin = Administrator
admin-yes = Yes
admin-no = No
admin-state = State
admin-state-active = Active
admin-state-disabled = Disabled
admin-created = Created
admin-previous = Previous
admin-next = Next
admin-devices = Paired devices
admin-client = Client
admin-approved = Approved
admin-last-used = Last used
admin-ended = Ended
admin-revoke = Sign out
admin-disable = Disable
admin-enable = Enable
admin-cancel = Cancel
admin-disable-user-title = Disable { $account }?
admin-disable-user-body = { $account } can no longer sign in, and their browser sessions and paired devices are signed out now; enabling the account again does not bring them back. Nothing else is deleted.
admin-client-id = Client ID
admin-client-type = Type
admin-grants = Grants
admin-scopes = Scopes
admin-redirect-uris = Redirect URIs
admin-web-origins = Web origins
admin-access-token-ttl = Access token lifetime
admin-id-token-alg = ID token algorithm
admin-server-default = The server’s default
admin-seconds = { $count } s
admin-disable-client-title = Disable { $client }?
admin-disable-client-body = Every request from { $client } is refused until it is enabled again: it can get no new tokens, and nobody can sign in to it or pair it.
admin-key-id = Key ID
admin-algorithm = Algorithm
admin-rotate = Rotate the keys
admin-rotate-title = Rotate the signing keys?
admin-rotate-body = Each algorithm gets a new key, published now and signing after one JWKS cache lifetime; the current keys stay published until the tokens they signed have expired.
admin-person = Person
admin-address = Address
admin-detail = Detail
admin-any-event = Any event
admin-filter = Filter
## A device or app whose access policy keeps the signed-in person out
not-for-you-title = Not available to your account
not-for-you-body = { $client } is not available to { $account }: only some people here may use it.
not-for-you-ask = If you should have it, ask whoever runs this server to let your account in.
not-for-you-back-to-app = Back to the app
not-for-you-home = Home
not-for-you-switch = Sign in as someone else
admin-groups = Groups
admin-members = Members
admin-new-group = New group
admin-create = Create
admin-remove-member = Remove { $account }
admin-add-member = Add a member (username)
admin-add = Add
admin-rename-group = Rename the group
admin-rename = Rename
admin-delete = Delete
admin-delete-group-title = Delete the group { $group }?
admin-delete-group-body = Its members stay, but lose what the group gave them. A group that a client is limited to cannot be deleted until the client allows others.
admin-allowed-groups = Who may use it
admin-allowed-groups-label = Groups allowed to use it (separated by spaces; empty for everyone)
admin-everyone = Everyone
admin-save = Save
## My account, and invitation and recovery links
account-title = My account
account-sign-in = Sign in to see your account.
account-name = Name
account-email = Email
account-not-set = not set
account-groups = Groups
account-no-groups = None
account-password-heading = Change password
account-current-password = Current password
account-new-password = New password
account-repeat-password = New password again
account-password-changed = Your password is changed. Other browsers signed in as you were signed out; this one and your devices stay signed in.
account-password-wrong = The current password is not right.
password-mismatch = The two new passwords differ. Type the same one twice.
password-policy = Choose a password of at least 8 characters (and at most 1024 bytes).
link-invite-title = Welcome, { $name }
link-invite-intro = Choose a password for your new account { $username }. You sign in with it from now on.
link-reset-title = Choose a new password
link-reset-intro = Choose a new password for { $username }. Once you do, you are signed out everywhere else.
link-expires = This link works once, until { $date }.
link-button = Set password and sign in
link-unknown = This link does not work
link-unknown-body = Check that you opened the whole link, or ask whoever sent it for a new one.
link-used = This link was used already
link-used-body = Each link works only once. Sign in with the password chosen with it, or ask for a new link.
link-expired = This link has expired
link-revoked = This link was withdrawn
link-closed = This account cannot be used
link-ask-again = Ask whoever sent the link for a new one.
link-other-title = You are signed in as someone else
link-other-body = This browser is signed in as { $account }, and the link is for another account. Sign out first, then open the link again.
admin-invite = Invite someone
admin-invite-intro = The account is made now, without a password; the person chooses one with the link, on their phone.
admin-invite-groups = Groups to join (separated by spaces)
admin-invite-admin = Make them an administrator
admin-invited = { $account } is invited
admin-link-once = This link is shown only now. Give it to the person, or let them scan the code with their phone.
admin-link-qr = QR code of the link
admin-link-until = It works once, until { $time }.
admin-links = Invitations and recovery links
admin-link-kind = Kind
admin-link-expires = Expires
admin-withdraw = Withdraw
admin-reset = Recovery link
admin-reset-title = A recovery link for { $account }?
admin-reset-body = Using it sets a new password and signs { $account } out everywhere else, devices included. An earlier link for them stops working.
admin-reset-made = A recovery link for { $account }
admin-remove = Remove
admin-remove-user-title = Remove { $account }?
admin-remove-user-body = The account is deleted: its browser sessions, paired devices and access tokens end now, and apps never see its identifier again. This cannot be undone.
admin-secret-title = A new secret for { $client }?
admin-secret-body = The current secret stops working at once: { $client } must be given the new one.
admin-secret-rotate = New secret
admin-secret-made = The new secret of { $client }
admin-secret-once = It is shown only now; only its hash is kept.
admin-remove-client-title = Remove { $client }?
admin-remove-client-body = { $client } is deleted: its devices and apps get no more tokens, and nobody can sign in to it or pair it. This cannot be undone.
admin-new-client = Register a client
admin-new-client-confidential = Confidential (a server that can keep a secret)

# Two-step sign-in (TOTP and recovery codes)
totp-title = Two-step sign-in
totp-code-prompt = Enter the six-digit code your authenticator app shows, or one of your recovery codes.
totp-code-label = Code
totp-continue = Continue
totp-code-wrong = That code is not right, or it was used already.
totp-code-malformed = A code is six digits, or a recovery code of sixteen letters and digits.
totp-pending-gone = This browser has no sign-in waiting for a code, or it waited too long. Sign in again.
totp-status-on = Two-step sign-in is on.
totp-status-off = Two-step sign-in is off: a password alone signs you in.
totp-set-up = Set up two-step sign-in
totp-enrol-intro = Scan this QR code with your authenticator app, or type the key into it. Then enter the code the app shows to turn two-step sign-in on.
totp-secret-label = Key
totp-qr-label = QR code to add this account to an authenticator app
totp-confirm = Turn on
totp-enrol-again = This setup has expired. Here is a new key; add it to your app again.
totp-recovery-title = Your recovery codes
totp-recovery-intro = Each of these codes signs you in once when your authenticator is not at hand. Write them down now: they are not shown again.
totp-turn-off = Turn off two-step sign-in
totp-off-wrong = The password or the code is not right.
totp-admin-title = Two-step sign-in needed
totp-admin-body = You are signed in as { $account } with a password alone. The admin pages need two-step sign-in: set it up, then sign out and sign in again with your code.
