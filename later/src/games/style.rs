//! The games' styles travel with this module (src/games/games.css), not in the first screen's
//! stylesheet: added to the document once, when the games page first opens.

const CSS: &str = include_str!("games.css");
const ID: &str = "mw-games-style";

pub fn ensure() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id(ID).is_some() {
        return;
    }
    let (Ok(style), Some(head)) = (document.create_element("style"), document.head()) else {
        return;
    };
    style.set_id(ID);
    style.set_text_content(Some(CSS));
    let _ = head.append_child(&style);
}
