"""The API documentation as one self-contained HTML page (no scripts, no outside files), rendered from the
OpenAPI document so the page and the document never disagree."""

import json
from html import escape

STYLE = """
body{font-family:"PingFang SC","Microsoft YaHei",sans-serif;margin:0 auto;max-width:1100px;padding:1em 2em;color:#222}
h1{font-size:1.6em}h2{border-bottom:2px solid #c00;padding-bottom:.2em;margin-top:2em}
h3{font-size:1.05em;margin:1.6em 0 .4em}code{background:#f3f3f3;padding:0 .25em}
.method{display:inline-block;min-width:4.5em;color:#fff;background:#555;border-radius:3px;text-align:center;margin-right:.5em}
.get{background:#2a7}.post{background:#27c}.patch{background:#c80}.delete{background:#c33}
table{border-collapse:collapse;margin:.3em 0 .8em;width:100%}th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;
vertical-align:top;font-size:.92em}th{background:#f6f6f6}.roles{color:#555}nav li{margin:.15em 0}
"""
TYPE_NAMES = {"string": "文本", "integer": "整数", "boolean": "布尔", "object": "对象", "array": "列表", "number": "数"}


def _ref_name(schema: dict) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[1] if ref else None


def type_text(schema: dict) -> str:
    """A short, linked description of a JSON schema's type."""
    if not schema:
        return "任意"
    name = _ref_name(schema)
    if name:
        return f'<a href="#schema-{escape(name)}">{escape(name)}</a>'
    if "oneOf" in schema:
        return " 或 ".join(type_text(option) for option in schema["oneOf"])
    if "anyOf" in schema:  # apispec's way of saying "this object, or null" in OpenAPI 3.0
        options = [option for option in schema["anyOf"] if not option.get("nullable")]
        return " 或 ".join(type_text(option) for option in options) + "（可为 null）"
    kind = schema.get("type", "")
    text = TYPE_NAMES.get(kind, escape(str(kind)))
    if kind == "array":
        text = f"{type_text(schema.get('items', {}))} 的列表"
    elif kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        text = f"对象（值为{type_text(schema['additionalProperties'])}）"
    if schema.get("format"):
        text += f" <code>{escape(schema['format'])}</code>"
    if schema.get("enum"):
        text += "：" + "、".join(f"<code>{escape(str(value))}</code>" for value in schema["enum"])
    if schema.get("nullable"):
        text += "（可为 null）"
    return text


def _limits(schema: dict) -> str:
    parts = []
    for key, label in (
        ("minimum", "最小"),
        ("maximum", "最大"),
        ("minLength", "最短"),
        ("maxLength", "最长"),
        ("minItems", "至少"),
        ("maxItems", "至多"),
        ("default", "默认"),
    ):
        if key in schema:
            parts.append(f"{label} {escape(json.dumps(schema[key], ensure_ascii=False))}")
    return "，".join(parts)


def _field_rows(schema: dict) -> str:
    required = set(schema.get("required", ()))
    return "".join(
        f"<tr><td><code>{escape(name)}</code></td><td>{type_text(field)}</td><td>{'是' if name in required else ''}</td>"
        f"<td>{escape(field.get('description', ''))} {_limits(field)}</td></tr>"
        for name, field in schema.get("properties", {}).items()
    )


def fields_table(schema: dict) -> str:
    rows = _field_rows(schema)
    if not rows:
        return f"<p>{type_text(schema)}</p>"
    return f"<table><tr><th>字段</th><th>类型</th><th>必填</th><th>说明</th></tr>{rows}</table>"


def _parameters(parameters: list) -> str:
    if not parameters:
        return ""
    where = {"path": "路径", "query": "查询"}
    rows = "".join(
        f"<tr><td><code>{escape(p['name'])}</code></td><td>{where.get(p['in'], escape(p['in']))}</td>"
        f"<td>{type_text(p.get('schema', {}))}</td><td>{'是' if p.get('required') else ''}</td>"
        f"<td>{escape(p.get('description', ''))} {_limits(p.get('schema', {}))}</td></tr>"
        for p in parameters
    )
    return (
        f"<h4>参数</h4><table><tr><th>名称</th><th>位置</th><th>类型</th><th>必填</th><th>说明</th></tr>{rows}</table>"
    )


def _request_body(body: dict | None, schemas: dict) -> str:
    if not body:
        return ""
    parts = []
    for media_type, media in body["content"].items():
        schema = media.get("schema", {})
        name = _ref_name(schema)
        shown = fields_table(schemas[name]) if name else fields_table(schema)
        parts.append(
            f"<p><code>{escape(media_type)}</code>{'（必填）' if body.get('required') else '（可省略）'}</p>{shown}"
        )
    return "<h4>请求体</h4>" + "".join(parts)


def _responses(responses: dict) -> str:
    rows = "".join(
        f"<tr><td>{escape(status)}</td><td>{escape(answer['description'])}</td><td>"
        + "<br>".join(
            f"<code>{escape(media)}</code> {type_text(body.get('schema', {}))}"
            for media, body in answer.get("content", {}).items()
        )
        + "</td></tr>"
        for status, answer in responses.items()
    )
    return f"<h4>响应</h4><table><tr><th>状态码</th><th>含义</th><th>内容</th></tr>{rows}</table>"


def _operations(document: dict):
    for path, methods in document["paths"].items():
        for method, described in methods.items():
            yield path, method, described


def _operation(path: str, method: str, described: dict, schemas: dict) -> str:
    anchor = escape(described["operationId"])
    return (
        f'<h3 id="{anchor}"><span class="method {escape(method)}">{escape(method.upper())}</span>'
        f"<code>{escape(path)}</code> {escape(described['summary'])}</h3>"
        f'<p class="roles">{escape(described["description"])}</p>'
        + _parameters(described.get("parameters", []))
        + _request_body(described.get("requestBody"), schemas)
        + _responses(described["responses"])
    )


def render(document: dict) -> str:
    schemas = document.get("components", {}).get("schemas", {})
    by_tag: dict[str, list] = {}
    for path, method, described in _operations(document):
        by_tag.setdefault((described.get("tags") or ["其他"])[0], []).append((path, method, described))
    contents = "".join(
        f"<li>{escape(tag)}<ul>"
        + "".join(
            f'<li><a href="#{escape(d["operationId"])}">{escape(m.upper())} {escape(p)}</a> {escape(d["summary"])}</li>'
            for p, m, d in operations
        )
        + "</ul></li>"
        for tag, operations in by_tag.items()
    )
    sections = "".join(
        f"<h2>{escape(tag)}</h2>" + "".join(_operation(p, m, d, schemas) for p, m, d in operations)
        for tag, operations in by_tag.items()
    )
    structures = "".join(
        f'<h3 id="schema-{escape(name)}">{escape(name)}</h3>{fields_table(schema)}' for name, schema in schemas.items()
    )
    info = document["info"]
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(info['title'])}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(info['title'])} <small>v{escape(info['version'])}</small></h1>"
        f"<p>{escape(info.get('description', ''))}</p>"
        '<p>机器可读的 OpenAPI 3 文档：<a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a></p>'
        f"<nav><h2>目录</h2><ul>{contents}</ul></nav>{sections}<h2>数据结构</h2>{structures}</body></html>"
    )
