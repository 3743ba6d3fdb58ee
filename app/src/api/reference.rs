//! The API reference page (`/developers`): the OpenAPI document read into operations and types,
//! for people. Anyone may read it, signed in or not; it works without JavaScript.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::layout::public_page;

/// The API as the reference page shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceDoc {
    pub title: String,
    /// HTML, from the document's Markdown; so is every description here.
    pub description: String,
    pub operations: Vec<OperationDoc>,
    pub schemas: Vec<SchemaDoc>,
}

/// One operation: its method and address, what it does, the scope it needs, what it takes and answers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationDoc {
    pub method: String,
    pub path: String,
    pub tag: String,
    pub summary: String,
    /// The summary and the rest of the description.
    pub description: String,
    pub scopes: Vec<String>,
    pub parameters: Vec<FieldDoc>,
    pub body: Option<String>,
    /// Each status answered, with what the body is.
    pub responses: Vec<(String, String)>,
}

/// A type of the API's bodies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaDoc {
    pub name: String,
    pub description: String,
    pub fields: Vec<FieldDoc>,
}

/// A parameter or a field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDoc {
    pub name: String,
    pub kind: String,
    pub required: bool,
    pub description: String,
}

/// The API reference, read from the OpenAPI document the server serves.
#[server(endpoint = "api_reference")]
pub async fn api_reference() -> Result<ReferenceDoc, AppError> {
    use utoipa::OpenApi;
    let document = serde_json::to_value(super::rest::openapi::ApiDoc::openapi()).map_err(|_| AppError::Internal)?;
    Ok(read::reference(&document))
}

#[cfg(feature = "ssr")]
mod read {
    //! Reading an OpenAPI 3.1 document (as JSON) into the reference's plain types.

    use serde_json::Value;

    use super::{FieldDoc, OperationDoc, ReferenceDoc, SchemaDoc};

    fn text(value: &Value, key: &str) -> String {
        value.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
    }

    /// A description (CommonMark, as OpenAPI has it) as HTML.
    fn html(value: &Value, key: &str) -> String {
        crate::markdown::to_html(&text(value, key))
    }

    /// A schema's type in words: a type's name, `string (date)`, `array of Deal`, `integer or null`.
    pub fn kind(schema: &Value) -> String {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return reference.rsplit('/').next().unwrap_or(reference).to_owned();
        }
        if let Some(choices) = schema.get("oneOf").or_else(|| schema.get("anyOf")).and_then(Value::as_array) {
            return choices.iter().map(kind).collect::<Vec<_>>().join(" or ");
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            let values: Vec<String> = values.iter().filter_map(Value::as_str).map(str::to_owned).collect();
            return format!("one of: {}", values.join(", "));
        }
        let types: Vec<String> = match schema.get("type") {
            Some(Value::String(one)) => vec![one.clone()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        let mut words: Vec<String> = types
            .iter()
            .map(|name| match (name.as_str(), schema.get("items"), schema.get("format").and_then(Value::as_str)) {
                ("array", Some(items), _) => format!("array of {}", kind(items)),
                (name, _, Some(format)) if name != "null" => format!("{name} ({format})"),
                (name, _, _) => name.to_owned(),
            })
            .collect();
        if words.is_empty() {
            words.push("any".into());
        }
        words.join(" or ")
    }

    fn fields(schema: &Value) -> Vec<FieldDoc> {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else { return Vec::new() };
        properties
            .iter()
            .map(|(name, property)| FieldDoc {
                name: name.clone(),
                kind: kind(property),
                required: required.contains(&name.as_str()),
                description: html(property, "description"),
            })
            .collect()
    }

    fn operation(method: &str, path: &str, op: &Value) -> OperationDoc {
        let parameters = op
            .get("parameters")
            .and_then(Value::as_array)
            .map(|parameters| {
                parameters
                    .iter()
                    .map(|parameter| FieldDoc {
                        name: format!("{} ({})", text(parameter, "name"), text(parameter, "in")),
                        kind: parameter.get("schema").map(kind).unwrap_or_default(),
                        required: parameter.get("required").and_then(Value::as_bool).unwrap_or(false),
                        description: html(parameter, "description"),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let body = op.pointer("/requestBody/content/application~1json/schema").map(kind);
        let responses = op
            .get("responses")
            .and_then(Value::as_object)
            .map(|responses| {
                responses
                    .iter()
                    .map(|(status, response)| {
                        let content = response.get("content").and_then(Value::as_object);
                        let body = content
                            .and_then(|content| content.values().next())
                            .and_then(|media| media.get("schema"))
                            .map(kind)
                            .unwrap_or_else(|| text(response, "description"));
                        (status.clone(), body)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let scopes = op
            .get("security")
            .and_then(Value::as_array)
            .map(|all| {
                all.iter()
                    .filter_map(|requirement| requirement.get("token").and_then(Value::as_array))
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        OperationDoc {
            method: method.to_uppercase(),
            path: format!("/api/v1{path}"),
            tag: op.pointer("/tags/0").and_then(Value::as_str).unwrap_or_default().to_owned(),
            summary: text(op, "summary"),
            description: crate::markdown::to_html(&format!("{} {}", text(op, "summary"), text(op, "description"))),
            scopes,
            parameters,
            body,
            responses,
        }
    }

    pub fn reference(document: &Value) -> ReferenceDoc {
        let mut operations = Vec::new();
        for (path, item) in document.get("paths").and_then(Value::as_object).into_iter().flatten() {
            for method in ["get", "post", "put", "patch", "delete"] {
                if let Some(op) = item.get(method) {
                    operations.push(operation(method, path, op));
                }
            }
        }
        operations.sort_by(|a, b| (a.tag.as_str(), a.path.as_str()).cmp(&(b.tag.as_str(), b.path.as_str())));
        let schemas = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| {
                schemas
                    .iter()
                    .map(|(name, schema)| SchemaDoc {
                        name: name.clone(),
                        description: text(schema, "description"),
                        fields: fields(schema),
                    })
                    .collect()
            })
            .unwrap_or_default();
        ReferenceDoc {
            title: document.pointer("/info/title").and_then(Value::as_str).unwrap_or_default().to_owned(),
            description: document.pointer("/info").map(|info| html(info, "description")).unwrap_or_default(),
            operations,
            schemas,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use serde_json::json;

        #[test]
        fn a_schema_reads_as_words() {
            assert_eq!(kind(&json!({"$ref": "#/components/schemas/Deal"})), "Deal");
            assert_eq!(
                kind(&json!({"type": "array", "items": {"$ref": "#/components/schemas/Deal"}})),
                "array of Deal"
            );
            assert_eq!(kind(&json!({"type": ["string", "null"], "format": "date"})), "string (date) or null");
            assert_eq!(kind(&json!({"oneOf": [{"type": "null"}, {"$ref": "#/x/Outcome"}]})), "null or Outcome");
            assert_eq!(kind(&json!({"type": "string", "enum": ["won", "lost"]})), "one of: won, lost");
        }

        #[test]
        fn the_served_document_lists_every_operation_with_its_scope() {
            use utoipa::OpenApi;
            let document = serde_json::to_value(crate::api::rest::openapi::ApiDoc::openapi()).expect("json");
            assert_eq!(document["openapi"], "3.1.0");
            let reference = reference(&document);
            let list =
                reference.operations.iter().find(|op| op.method == "GET" && op.path == "/api/v1/deals").expect("deals");
            assert_eq!(list.scopes, ["deals:read"]);
            assert!(list.parameters.iter().any(|p| p.name == "cursor (query)"));
            assert!(list.responses.iter().any(|(status, body)| status == "422" && body == "Problem"));
            assert!(reference.schemas.iter().any(|schema| schema.name == "DealDetail"));
        }
    }
}

#[component]
pub fn DevelopersPage() -> impl IntoView {
    public_page(|| (), |_| api_reference(), |reference: ReferenceDoc| view! { <Reference reference/> })
}

#[component]
fn Reference(reference: ReferenceDoc) -> impl IntoView {
    let ReferenceDoc { title, description, operations, schemas } = reference;
    view! {
        <div class="page-head"><h1>"API reference"</h1></div>
        <p class="lead">{title}</p>
        <div class="prose" inner_html=description></div>
        <p>"The machine-readable document: " <a href="/api/v1/openapi.json"><code>"/api/v1/openapi.json"</code></a>
            " (OpenAPI 3.1). Tokens are made on " <a href="/api-tokens">"API tokens"</a> "."</p>
        <nav class="card" aria-label="Operations">
            <ul class="plain">
                {operations.iter().map(|op| {
                    let anchor = anchor(&op.method, &op.path);
                    view! { <li><a href=format!("#{anchor}")><code>{format!("{} {}", op.method, op.path)}</code></a> " " {op.summary.clone()}</li> }
                }).collect_view()}
            </ul>
        </nav>
        {operations.into_iter().map(|op| view! { <Operation op/> }).collect_view()}
        <Webhooks/>
        <h2>"Types"</h2>
        {schemas.into_iter().map(|schema| view! {
            <section class="card" id=format!("type-{}", schema.name) aria-label=schema.name.clone()>
                <h3><code>{schema.name.clone()}</code></h3>
                <div class="prose" inner_html=schema.description.clone()></div>
                <Fields label="Fields" fields=schema.fields/>
            </section>
        }).collect_view()}
    }
}

/// What a webhook receiver needs: the events, the body, the headers, and how to check a signature.
#[component]
fn Webhooks() -> impl IntoView {
    const BODY: &str = r#"{"id":"evt_42","type":"deal.approved","created_at":"2026-12-04T10:15:00.000Z",
 "data":{"deal":{"id":7,"organisation_id":3,"partner":"Bluepeak Systems","customer_company":"Northwind",
  "status":"approved","amount_minor":4500000,"currency":"USD", …},"outcome":"approved","amount_minor":4500000}}"#;
    view! {
        <section class="card" id="webhooks" aria-labelledby="webhooks-title">
            <h2 id="webhooks-title">"Webhooks"</h2>
            <p>"An admin registers endpoints on " <a href="/admin/webhooks">"Webhooks"</a>
                ". Tessera posts each event an endpoint subscribes to as JSON, once per endpoint, and counts it \
                delivered when the endpoint answers 2xx within ten seconds. Otherwise it tries again after 30 \
                seconds, then twice as long each time (at most an hour apart) for a day; the endpoint's page \
                logs every delivery with its answer and can send one again. A delivery may arrive more than once \
                (sent again, or an answer lost on the way): use the event's id to notice."</p>
            <h3>"Events"</h3>
            <ul>
                {crate::webhooks::EventKind::SUBSCRIBABLE.iter().map(|kind| view! {
                    <li><code>{kind.as_str()}</code> " \u{2014} " {kind.label()}</li>
                }).collect_view()}
                <li><code>"ping"</code>" \u{2014} a test event, sent from the endpoint's page"</li>
            </ul>
            <h3>"Body"</h3>
            <pre><code>{BODY}</code></pre>
            <h3>"Headers"</h3>
            <ul>
                <li><code>"Tessera-Event-Id"</code>" \u{2014} the event's id, the same on every try"</li>
                <li><code>"Tessera-Event"</code>" \u{2014} its type"</li>
                <li><code>"Tessera-Signature: t=TIMESTAMP,v1=SIGNATURE"</code>" \u{2014} TIMESTAMP is when it was sent \
                    (seconds since 1970, UTC); SIGNATURE the HMAC-SHA256, keyed with the endpoint's signing secret, \
                    of the timestamp, a full stop and the body exactly as received, in lowercase hex"</li>
            </ul>
            <h3>"Checking a signature (Python)"</h3>
            <pre><code>{crate::webhooks::VERIFY_EXAMPLE}</code></pre>
        </section>
    }
}

fn anchor(method: &str, path: &str) -> String {
    format!("{}{}", method.to_lowercase(), path.replace(['/', '{', '}'], "-"))
}

#[component]
fn Operation(op: OperationDoc) -> impl IntoView {
    let scopes = match op.scopes.is_empty() {
        true => "Any token.".to_owned(),
        false => format!("Scope: {}.", op.scopes.join(", ")),
    };
    view! {
        <section class="card" id=anchor(&op.method, &op.path) aria-label=format!("{} {}", op.method, op.path)>
            <h2><code>{format!("{} {}", op.method, op.path)}</code></h2>
            <div class="prose" inner_html=op.description.clone()></div>
            <p class="muted">{scopes}</p>
            {(!op.parameters.is_empty()).then(|| view! { <Fields label="Parameters" fields=op.parameters.clone()/> })}
            {op.body.clone().map(|body| view! { <p>"Body (JSON): " <a href=format!("#type-{body}")><code>{body.clone()}</code></a></p> })}
            <p>"Answers: " {op.responses.iter().map(|(status, body)| format!("{status} {body}")).collect::<Vec<_>>().join(" · ")}</p>
        </section>
    }
}

#[component]
fn Fields(label: &'static str, fields: Vec<FieldDoc>) -> impl IntoView {
    view! {
        <crate::ui::ScrollTable label>
            <table class="stacked">
                <thead><tr><th scope="col">"Name"</th><th scope="col">"Type"</th><th scope="col">"Required"</th><th scope="col">"What it is"</th></tr></thead>
                <tbody>
                    {fields.into_iter().map(|field| view! {
                        <tr>
                            <th scope="row"><code>{field.name}</code></th>
                            <td data-label="Type">{field.kind}</td>
                            <td data-label="Required">{if field.required { "Yes" } else { "No" }}</td>
                            <td data-label="What it is" inner_html=field.description></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </crate::ui::ScrollTable>
    }
}
