//! Template functions: `t` (UI strings), `asset` (fingerprinted URLs), `date` (localised dates).

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use tera::{Function, Result};

use crate::config::Lang;

fn str_arg<'a>(args: &'a HashMap<String, Value>, name: &str, function: &str) -> Result<&'a str> {
    match args.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(tera::Error::msg(format!(
            "{function}(): `{name}` must be a string, got {other}"
        ))),
        None => Err(tera::Error::msg(format!(
            "{function}(): missing argument `{name}`"
        ))),
    }
}

pub fn translate(i18n: HashMap<Lang, BTreeMap<String, String>>, default: Lang) -> impl Function {
    move |args: &HashMap<String, Value>| -> Result<Value> {
        let key = str_arg(args, "key", "t")?;
        let lang = match args.get("lang") {
            Some(Value::String(l)) => Lang(l.clone()),
            _ => default.clone(),
        };
        let strings = i18n
            .get(&lang)
            .ok_or_else(|| tera::Error::msg(format!("t(): no UI strings for language `{lang}`")))?;
        strings
            .get(key)
            .map(|s| Value::String(s.clone()))
            .ok_or_else(|| {
                tera::Error::msg(format!(
                    "t(): UI string `{key}` is missing in i18n/{lang}.yaml"
                ))
            })
    }
}

pub fn asset(urls: BTreeMap<String, String>) -> impl Function {
    move |args: &HashMap<String, Value>| -> Result<Value> {
        let path = str_arg(args, "path", "asset")?.trim_start_matches('/');
        urls.get(path)
            .map(|u| Value::String(u.clone()))
            .ok_or_else(|| tera::Error::msg(format!("asset(): no static file `{path}` (looked in the theme's and the site's static/)")))
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

pub fn date() -> impl Function {
    move |args: &HashMap<String, Value>| -> Result<Value> {
        let value = match args.get("value") {
            Some(Value::String(s)) => s.as_str(),
            Some(Value::Null) | None => return Ok(Value::String(String::new())),
            Some(other) => {
                return Err(tera::Error::msg(format!(
                    "date(): `value` must be a date string, got {other}"
                )));
            }
        };
        let d = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| tera::Error::msg(format!("date(): `{value}` is not YYYY-MM-DD")))?;
        let lang = args.get("lang").and_then(Value::as_str).unwrap_or("de");
        Ok(Value::String(localized(d, lang)))
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
