/** @jsxImportSource @kitajs/html */
/** The login form shown when the server is exposed and no admin cookie or token came along. */

export function renderLogin(props: { next: string; failed?: boolean }): JSX.Element {
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Log in · Undertaker</title>
          <link rel="icon" href="/ui/favicon.svg" type="image/svg+xml" />
          <link rel="stylesheet" href="/ui/style.css" />
        </head>
        <body class="login-page">
          <form method="post" action="/login" class="card login">
            <h1>
              <img src="/ui/favicon.svg" alt="" width="28" height="28" /> Undertaker
            </h1>
            <p class="muted">This server's page and API need its admin token.</p>
            {props.failed && <p class="error-text">That token is not right. Try again.</p>}
            <label>
              Admin token
              <input type="password" name="token" required autofocus autocomplete="current-password" />
            </label>
            <input type="hidden" name="next" value={props.next} />
            <button type="submit" class="primary">
              Log in
            </button>
            <p class="muted small">
              The token is the one given with <code>--admin-token</code> or <code>UNDERTAKER_ADMIN_TOKEN</code>, or the one{' '}
              <code>undertaker serve</code> printed when it generated one.
            </p>
          </form>
        </body>
      </html>
    </>
  );
}
