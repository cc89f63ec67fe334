//! The benchmark's yardstick: the least an actix-web server can do per request on this
//! machine, answering every request with a small JSON 400 as authbox answers a pending poll.
//! `bench/run` measures it beside authbox and prints each row's ratio to it.
//!
//!     cargo run --release --example ceiling -- 127.0.0.1:9999

use actix_web::{App, HttpResponse, HttpServer, web};

/// Reads the body, as any real endpoint must: left unread, a POST would end its connection.
async fn small_json_400(_body: web::Bytes) -> HttpResponse {
    HttpResponse::BadRequest()
        .insert_header(("Cache-Control", "no-store"))
        .content_type("application/json")
        .body(r#"{"error":"authorization_pending"}"#)
}

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9999".to_owned());
    actix_web::rt::System::new().block_on(async move {
        let server =
            HttpServer::new(|| App::new().default_service(web::to(small_json_400))).bind(&addr)?;
        for bound in server.addrs() {
            println!("listening on {bound}");
        }
        server.run().await
    })
}
