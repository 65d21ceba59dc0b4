//! Template functions: `t` (UI strings), `asset` (fingerprinted URLs), `date` (localised dates).

use std::collections::{BTreeMap, HashMap};

use tera::{Error, Kwargs, State, TeraResult, Value};

use crate::config::Lang;

pub fn translate(
    i18n: HashMap<Lang, BTreeMap<String, String>>,
    default: Lang,
) -> impl Fn(Kwargs, &State) -> TeraResult<String> + Send + Sync + 'static {
    move |kwargs: Kwargs, _: &State| {
        let key: &str = kwargs.must_get("key")?;
        let lang = match kwargs.get::<&str>("lang")? {
            Some(l) => Lang(l.to_string()),
            None => default.clone(),
        };
        let strings = i18n
            .get(&lang)
            .ok_or_else(|| Error::message(format!("t(): no UI strings for language `{lang}`")))?;
        // `default=` is for open sets of keys (region codes): the key itself is a fine label.
        match (strings.get(key), kwargs.get::<&str>("default")?) {
            (Some(s), _) => Ok(s.clone()),
            (None, Some(default)) => Ok(default.to_string()),
            (None, None) => Err(Error::message(format!(
                "t(): UI string `{key}` is missing in i18n/{lang}.yaml"
            ))),
        }
    }
}

pub fn asset(
    urls: BTreeMap<String, String>,
) -> impl Fn(Kwargs, &State) -> TeraResult<String> + Send + Sync + 'static {
    move |kwargs: Kwargs, _: &State| {
        let path: &str = kwargs.must_get("path")?;
        let path = path.trim_start_matches('/');
        urls.get(path).cloned().ok_or_else(|| {
            Error::message(format!(
                "asset(): no static file `{path}` (looked in the theme's and the site's static/)"
            ))
        })
    }
}

const MONTHS_DE: [&str; 12] = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub fn date() -> impl Fn(Kwargs, &State) -> TeraResult<String> + Send + Sync + 'static {
    move |kwargs: Kwargs, _: &State| {
        let value: Option<&Value> = kwargs.get("value")?;
        let Some(value) = value.filter(|v| !v.is_none() && !v.is_undefined()) else {
            return Ok(String::new());
        };
        let text = value.as_str().ok_or_else(|| {
            Error::message(format!(
                "date(): `value` must be a date string, got {}",
                value.name()
            ))
        })?;
        let d = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| Error::message(format!("date(): `{text}` is not YYYY-MM-DD")))?;
        let lang: Option<&str> = kwargs.get("lang")?;
        Ok(localized(d, lang.unwrap_or("de")))
    }
}

pub fn localized(d: chrono::NaiveDate, lang: &str) -> String {
    use chrono::Datelike;
    let m = d.month0() as usize;
    match lang {
        "de" => format!("{}. {} {}", d.day(), MONTHS_DE[m], d.year()),
        _ => format!("{} {} {}", d.day(), MONTHS_EN[m], d.year()),
    }
}
