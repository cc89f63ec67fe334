# authbox の日本語カタログ。メッセージは参照用の en.ftl と同じで、変数の説明もそちらにあります。
# です・ます調。デバイスのコード、製品名、スコープ名は翻訳しません。
# 日本語には単数・複数の区別がないため、数による分岐は *[other] だけです。

## すべてのページ

language-name = 日本語
languages-label = 言語

## トップページ (/)

home-intro = テレビやゲーム機などのデバイスをアカウントに接続したり、アカウントでサインインしているものを確認したりできます。
home-connect = デバイスを接続
home-sign-in = サインイン
home-signed-in-as = { $account } としてサインインしています。
home-admin-heading = 管理
home-admin-cli = ユーザー、グループ、アプリの管理は、サーバー上で authbox コマンドを使って行います。

## コードの入力 (/device)

enter-code-title = デバイスを接続
enter-code-intro = テレビやゲーム機などのデバイスに表示されているコードを入力してください。
check-code-title = コードを確認
check-code-intro = このコードが、デバイスの画面に表示されているコードと同じであることを確認してください。違う場合は、先に進まないでください。
code-label = コード
continue-button = 次へ
code-wrong = コードが正しくありません。デバイスに表示されているコードを確認して、もう一度お試しください。
enter-a-code = コードを入力

code-expired-title = このコードは有効期限が切れています
code-expired-body = デバイスで最初からやり直して、新しいコードを取得してください。
code-used-title = このコードはすでに使用されています
code-used-body = このコードで、すでにデバイスが接続されています。心当たりがない場合は、デバイスで最初からやり直してください。
code-denied-title = このリクエストは拒否されました
code-denied-body = デバイスを接続する場合は、デバイスで最初からやり直してください。
no-such-code-title = コードが見つかりません
no-such-code-body = デバイスで最初からやり直して、コードを取得してください。

## サインイン (/login)

sign-in-title = サインイン
sign-in-for-device = { $code } と表示されているデバイスを接続するには、サインインしてください。
sign-in-for-app = { $app } に進むには、サインインしてください。
an-app = アプリ
username-label = ユーザー名
password-label = パスワード
sign-in-button = サインイン
sign-in-rejected = ユーザー名またはパスワードが正しくありません。
sign-in-expired = サインインの有効期限が切れました。続けるには、もう一度サインインしてください。
sign-in-for-devices = お使いのアカウントでサインインしているデバイスを確認するには、サインインしてください。
signed-in-title = サインインしました
signed-in-as = { $account } としてサインインしています。
signed-in-enter-code = デバイスのコードを入力
signed-in-devices = アカウントでサインインしているデバイスを確認

## デバイスの承認

consent-title = このデバイスを接続しますか？
consent-heading = デバイスでサインインしようとしています
consent-wants = { $client } が、あなたのアカウント（{ $account }）の使用を求めています。
consent-code = コード
consent-requested = リクエスト日時
consent-requested-from = { $ago }（{ $address } から）
same-network = このデバイスは、あなたと同じネットワークにあるようです。
other-network = このデバイスは、あなたとは別のネットワークにあります。ご自身で始めた操作である場合にのみ、続けてください。
able-to = このデバイスに許可される操作：
consent-warning = 上のコードが、目の前にあるデバイスの画面に表示されている場合にのみ続けてください。心当たりがない場合は、「{ report-button }」を選んでください。
report-button = このリクエストに心当たりがない
deny-button = 拒否
approve-button = 承認
not-you = { $account } ではありませんか？
sign-out-button = サインアウト
stay-signed-in = サインインしたままにする

choose-approve-title = 「{ approve-button }」か「{ deny-button }」を選んでください
form-no-choice = フォームで、どちらも選ばれていませんでした。
device-connected-body = デバイスでサインインしました。デバイスに戻って、このページを閉じてかまいません。
device-denied-body = デバイスは接続されませんでした。このページを閉じてかまいません。
device-connected-named = { $client } が接続されました
device-denied-named = { $client } は接続されませんでした
device-reported-named = { $client } は接続されませんでした。報告を受け付けました
device-reported-body = ご報告ありがとうございます。このコードを表示していたデバイスは接続されず、しばらくのあいだ同じネットワークから新しいコードを求めることはできません。誰かからこのコードが送られてきた場合、その人があなたのアカウントを使おうとした可能性があります。アカウントでサインインしているデバイスを確認し、見覚えのないものはサインアウトしてください。このためにどこかでパスワードを入力した場合は、パスワードを変更してください。
device-reported-review = デバイスを確認して、ほかのデバイスをサインアウトする
code-taken-title = このコードは別のアカウントで使われています
code-taken-body = このコードは、別のアカウントでサインインしている人がすでに開いているため、ここでは使えません。誰かからコードが届く心当たりがない場合、誰かがアカウントに入り込もうとしている可能性があります。無視して、コードをほかの人に渡さないでください。
enter-another-code = 別のコードを入力
account-unusable-title = このアカウントではデバイスを接続できません
account-unusable-body = このサーバーの管理者にお問い合わせください。

## スコープごとに、デバイスやアプリに許可される操作

scope-openid = { $site } であなたのアカウントを識別する
scope-profile = あなたの名前とユーザー名を見る
scope-email = あなたのメールアドレスを見る
scope-offline-access = サインアウトするまで、このデバイスでサインインしたままにする
scope-groups = あなたが所属するグループを見る
scope-api = { $scope } を使用する

## Web アプリの許可

app-consent-title = このアプリを許可しますか？
app-consent-heading = { $app } にサインインしますか？
app-consent-wants = { $app } が、あなたを { $account } としてサインインさせようとしています。
app-consent-after = このあと { $host } に戻ります。この回答は記憶されます。取り消すには { $devices } を開いてください。
app-able-to = このアプリに許可される操作：
allow-button = 許可
choose-allow-title = 「{ allow-button }」か「{ deny-button }」を選んでください
app-request-broken-title = このサインインは続行できません
app-unnamed = アプリが、どのアプリであるかを示していません。
app-unknown = このアプリは { $site } に登録されていません。
return-unregistered = このアプリが指定した戻り先のアドレスは、このアプリ用に登録されていません。
return-unnamed = アプリが戻り先を示していません。
return-invalid = このアプリ用に登録されている戻り先のアドレスが無効です。
return-insecure = このアプリの戻り先はプライベートネットワーク上の暗号化されていない http アドレスで、このサーバーでは許可されていません。
plain-http-warning = このサーバーは暗号化されていない http を使っています。このネットワーク上の誰もが、パスワードを含めここに入力した内容を読み取り、これらのページを書き換えることができます。
request-damaged = サインインのリクエストが途中で壊れました。
request-malformed = アプリから不正な形式のリクエストが送られました（重複したパラメーター、または読み取れないパラメーターがあります）。
request-unreadable = リクエストが大きすぎるか、届きませんでした。

## サインアウト

sign-out-title = サインアウトしますか？
sign-out-app-asks = { $app } がサインアウトを求めています。
sign-out-explain = { $account } としてサインインしています。サインアウトすると、このブラウザーでのサインインが終了します。接続したデバイスは接続されたままです。
signed-out-title = サインアウトしました
signed-out-body = このブラウザーからサインアウトしました。
sign-out-broken-title = このサインアウトは続行できません
sign-out-unverifiable = アプリから、{ $site } で検証できないサインアウトのリクエストが送られました。
sign-out-contradicts = アプリから送られたサインアウトのリクエストに矛盾があります。
sign-out-return-unregistered = このアプリがサインアウト後の戻り先として指定したアドレスは、このアプリ用に登録されていません。
sign-out-return-invalid = このアプリの戻り先のアドレスが無効です。

## デバイスとアプリ (/devices)

devices-title = デバイスとアプリ
devices-count =
    { $count ->
       *[other] デバイス：{ $count } 台
    }
devices-none = { $account } でサインインしているデバイスはありません。
devices-intro = 次のデバイスが { $account } でサインインしています。心当たりのないものはサインアウトしてください。
device-facts = { $date } に接続（最終使用：{ $used }）
device-facts-from = { $date } に { $address } から接続（最終使用：{ $used }）
device-sign-out = { $client } をサインアウト
device-signed-out = { $client } をサインアウトしました。
device-not-found = そのデバイスは見つかりませんでした。
apps-count =
    { $count ->
       *[other] アプリ：{ $count } 件
    }
apps-none = 確認なしでサインインさせるアプリはありません。
apps-intro = 次のアプリは、確認なしであなたを { $account } としてサインインさせることができます。
app-facts = { $date } に許可
app-forget = { $app } のアクセスを取り消す
app-forgotten = { $app } は、次にサインインさせる前にもう一度確認します。
app-not-found = そのアプリは見つかりませんでした。
connect-another = 別のデバイスを接続

## 日時

ago-now = たった今
ago-minutes =
    { $count ->
       *[other] { $count } 分前
    }
ago-hours =
    { $count ->
       *[other] { $count } 時間前
    }
ago-days =
    { $count ->
       *[other] { $count } 日前
    }
date-time = { $year }年{ $month }月{ $day }日 { $hour }:{ $minute } UTC

## テレビに表示するペアリングページ (/device/pair)

pairing-title = このデバイスを接続
pairing-go-to = スマートフォンやパソコンでコードをスキャンするか、次のアドレスを開いて
pairing-and-enter = 次のコードを入力してください
pairing-qr-label = サインインページを開く QR コード

## 操作を完了できないとき

not-found-title = ページが見つかりません
not-found-body = このアドレスには何もありません。
go-home = トップページへ
not-allowed-title = この操作はできません
not-allowed-body = このアドレスは、この種類のリクエストを受け付けていません。
form-too-large-title = データが多すぎます
form-too-large-body = このフォームで受け付けられる量を超えています。
form-too-slow-title = 時間がかかりすぎました
form-too-slow-body = フォームの送信に時間がかかりすぎました。もう一度お試しください。
form-broken-title = 問題が発生しました
form-unreadable-body = フォームが届きませんでした。
form-unparsable-body = フォームを読み取れませんでした。
form-stale-title = このフォームは古くなっています
form-stale-body = 前のページに戻って再読み込みしてから、もう一度お試しください。
paused-title = 試行回数が多すぎます
paused-body =
    { $minutes ->
       *[other] 間違った入力が多すぎました。{ $minutes } 分待ってから、もう一度お試しください。
    }
busy-title = しばらくしてから、もう一度お試しください
busy-body = 現在、多くの方がサインインしています。
fault-body = サーバーで処理を完了できませんでした。

## The admin pages
admin-overview = 概要
admin-people = ユーザー
admin-clients = クライアント
admin-keys = 署名鍵
admin-audit = 監査ログ
admin-sign-in = このページを表示するには管理者としてサインインしてください。
admin-only-title = 管理者専用
admin-only-body = { $account } としてサインインしていますが、管理者ではないため、このページは利用できません。
admin-refused-title = 実行できません
admin-issuer = 発行者
admin-version = バージョン
admin-up-since = 稼働開始
admin-data-file = データファイル
admin-schema = スキーマのバージョン
admin-live-codes = 使用中のデバイスコード
admin-recent-refusals = 最近の拒否
admin-none = ありません。
admin-time = 日時
admin-event = イベント
admin-who = 対象
admin-search = 検索
admin-search-label = 名前、ユーザー名、メール
admin-username = ユーザー名
admin-name = 名前
admin-email = メール
admin-email-verified = { $email }（確認済み）
admin-subject = サブジェクト (sub)
admin-role-admin = 管理者
admin-yes = はい
admin-no = いいえ
admin-state = 状態
admin-state-active = 有効
admin-state-disabled = 無効
admin-created = 作成日時
admin-previous = 前へ
admin-next = 次へ
admin-devices = 接続済みデバイス
admin-client = クライアント
admin-approved = 承認日時
admin-last-used = 最終使用
admin-ended = 終了
admin-revoke = サインアウト
admin-disable = 無効にする
admin-enable = 有効にする
admin-cancel = キャンセル
admin-disable-user-title = { $account } を無効にしますか？
admin-disable-user-body = { $account } はサインインできなくなり、ブラウザーのセッションと接続済みデバイスは今すぐサインアウトされます。アカウントを再び有効にしても元には戻りません。それ以外は何も削除されません。
admin-client-id = クライアント ID
admin-client-type = 種類
admin-grants = グラント
admin-scopes = スコープ
admin-redirect-uris = リダイレクト URI
admin-web-origins = Web オリジン
admin-access-token-ttl = アクセストークンの有効期間
admin-id-token-alg = ID トークンのアルゴリズム
admin-server-default = サーバーの既定値
admin-seconds = { $count } 秒
admin-disable-client-title = { $client } を無効にしますか？
admin-disable-client-body = { $client } からの要求は、再び有効になるまですべて拒否されます。新しいトークンは発行されず、サインインも接続もできません。
admin-key-id = 鍵 ID
admin-algorithm = アルゴリズム
admin-rotate = 鍵をローテーション
admin-rotate-title = 署名鍵をローテーションしますか？
admin-rotate-body = 各アルゴリズムに新しい鍵が作られ、すぐに公開され、JWKS キャッシュの有効期間の後に署名を始めます。現在の鍵は、署名したトークンが期限切れになるまで公開されたままです。
admin-person = ユーザー
admin-address = アドレス
admin-detail = 詳細
admin-any-event = すべてのイベント
admin-filter = 絞り込む
## A device or app whose access policy keeps the signed-in person out
not-for-you-title = このアカウントでは利用できません
not-for-you-body = { $client } は { $account } では利用できません。ここでは一部の人だけが使えます。
not-for-you-ask = 利用できるはずの場合は、このサーバーの管理者にアカウントの許可を依頼してください。
not-for-you-back-to-app = アプリに戻る
not-for-you-home = ホーム
not-for-you-switch = 別のアカウントでサインイン
admin-groups = グループ
admin-members = メンバー
admin-new-group = 新しいグループ
admin-create = 作成
admin-remove-member = { $account } を外す
admin-add-member = メンバーを追加（ユーザー名）
admin-add = 追加
admin-rename-group = グループ名を変更
admin-rename = 名前を変更
admin-delete = 削除
admin-delete-group-title = グループ { $group } を削除しますか？
admin-delete-group-body = メンバーはそのまま残りますが、グループによって得ていたものは失われます。クライアントの利用がこのグループに限られている間は削除できません。
admin-allowed-groups = 利用できる人
admin-allowed-groups-label = 利用を許可するグループ（スペース区切り、空欄なら全員）
admin-everyone = 全員
admin-save = 保存
## アカウント、招待リンクと復旧リンク
account-title = アカウント
account-sign-in = アカウントを表示するにはサインインしてください。
account-name = 名前
account-email = メールアドレス
account-not-set = 未設定
account-groups = グループ
account-no-groups = なし
account-password-heading = パスワードを変更
account-current-password = 現在のパスワード
account-new-password = 新しいパスワード
account-repeat-password = 新しいパスワード（確認）
account-password-changed = パスワードを変更しました。ほかのブラウザーはサインアウトされました。このブラウザーとデバイスはサインインしたままです。
account-password-wrong = 現在のパスワードが正しくありません。
password-mismatch = 2 つの新しいパスワードが一致しません。同じパスワードを 2 回入力してください。
password-policy = 8 文字以上（1024 バイト以下）のパスワードを選んでください。
link-invite-title = ようこそ、{ $name } さん
link-invite-intro = 新しいアカウント { $username } のパスワードを決めてください。今後はこのパスワードでサインインします。
link-reset-title = 新しいパスワードを決める
link-reset-intro = { $username } の新しいパスワードを決めてください。決めると、ほかのすべての場所からサインアウトされます。
link-expires = このリンクは { $date } まで、1 回だけ使えます。
link-button = パスワードを設定してサインイン
link-unknown = このリンクは使えません
link-unknown-body = リンク全体を開いたか確認するか、送ってくれた人に新しいリンクを頼んでください。
link-used = このリンクは使用済みです
link-used-body = リンクは 1 回しか使えません。このリンクで決めたパスワードでサインインするか、新しいリンクを頼んでください。
link-expired = このリンクは期限切れです
link-revoked = このリンクは取り消されました
link-closed = このアカウントは使えません
link-ask-again = リンクを送ってくれた人に新しいリンクを頼んでください。
link-other-title = 別のアカウントでサインインしています
link-other-body = このブラウザーは { $account } としてサインインしていますが、このリンクは別のアカウント用です。先にサインアウトしてから、もう一度リンクを開いてください。
admin-invite = 招待する
admin-invite-intro = アカウントは今パスワードなしで作成されます。本人がスマートフォンでリンクを開いてパスワードを決めます。
admin-invite-groups = 参加するグループ（スペース区切り）
admin-invite-admin = 管理者にする
admin-invited = { $account } を招待しました
admin-link-once = このリンクは今だけ表示されます。本人に渡すか、スマートフォンでコードを読み取ってもらってください。
admin-link-qr = リンクの QR コード
admin-link-until = { $time } まで、1 回だけ使えます。
admin-links = 招待と復旧リンク
admin-link-kind = 種類
admin-link-expires = 期限
admin-withdraw = 取り消す
admin-reset = 復旧リンク
admin-reset-title = { $account } の復旧リンクを作りますか？
admin-reset-body = 使うと新しいパスワードが設定され、{ $account } はデバイスを含め他のすべての場所でサインアウトされます。以前のリンクは使えなくなります。
admin-reset-made = { $account } の復旧リンク
admin-remove = 削除
admin-remove-user-title = { $account } を削除しますか？
admin-remove-user-body = アカウントは削除されます。ブラウザーのセッション、接続済みデバイス、アクセストークンは今すぐ終了し、その識別子が再び使われることはありません。元に戻せません。
admin-secret-title = { $client } の新しいシークレットを作りますか？
admin-secret-body = 現在のシークレットはすぐに使えなくなります。{ $client } に新しいものを設定してください。
admin-secret-rotate = 新しいシークレット
admin-secret-made = { $client } の新しいシークレット
admin-secret-once = 今だけ表示されます。保存されるのはハッシュだけです。
admin-remove-client-title = { $client } を削除しますか？
admin-remove-client-body = { $client } は削除されます。そのデバイスやアプリはトークンを得られなくなり、サインインも接続もできなくなります。元に戻せません。
admin-new-client = クライアントを登録
admin-new-client-confidential = 機密クライアント（シークレットを保持できるサーバー）

# 2段階サインイン（TOTP とリカバリーコード）
totp-title = 2段階サインイン
totp-code-prompt = 認証アプリに表示されている6桁のコード、またはリカバリーコードのいずれかを入力してください。
totp-code-label = コード
totp-continue = 続ける
totp-code-wrong = コードが正しくないか、すでに使われています。
totp-code-malformed = コードは6桁の数字、リカバリーコードは16文字の英数字です。
totp-pending-gone = このブラウザーにはコードを待っているサインインがないか、待ち時間が過ぎました。もう一度サインインしてください。
totp-status-on = 2段階サインインはオンです。
totp-status-off = 2段階サインインはオフです。パスワードだけでサインインできます。
totp-set-up = 2段階サインインを設定
totp-enrol-intro = 認証アプリでこの QR コードを読み取るか、キーを入力してください。次に、アプリに表示されたコードを入力すると2段階サインインがオンになります。
totp-secret-label = キー
totp-qr-label = このアカウントを認証アプリに追加するための QR コード
totp-confirm = オンにする
totp-enrol-again = この設定は期限切れです。新しいキーをアプリにもう一度追加してください。
totp-recovery-title = リカバリーコード
totp-recovery-intro = 認証アプリが手元にないとき、これらのコードはそれぞれ1回だけサインインに使えます。今すぐ書き留めてください。二度と表示されません。
totp-turn-off = 2段階サインインをオフにする
totp-off-wrong = パスワードまたはコードが正しくありません。
totp-admin-title = 2段階サインインが必要です
totp-admin-body = { $account } としてパスワードだけでサインインしています。管理ページには2段階サインインが必要です。設定してから、いったんサインアウトし、コードを使ってもう一度サインインしてください。
