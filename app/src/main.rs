fn main() {
    wallet_app::start();
}
