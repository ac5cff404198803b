"""Decode one Avro single-object encoded record read from stdin with python3-avro.

Independent of StreamingCL's code: the header and the CRC-64-AVRO fingerprint of the Parsing
Canonical Form are checked against the Avro specification, and the body is decoded with the .avsc
file given as the first argument. Prints the record as JSON.

The canonical form is computed here from the specification, because python3-avro 1.11's
`canonical_form` keeps primitives with logical types as {"type": "long"} where the specification
(and the Java and C# libraries) write "long".
"""
import io
import json
import sys

import avro.io
import avro.schema

EMPTY = 0xC15D213AA4D7A795  # CRC-64-AVRO seed, from the Avro specification


def fingerprint(canonical: bytes) -> int:
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (EMPTY & -(fp & 1))
        table.append(fp)
    fp = EMPTY
    for byte in canonical:
        fp = (fp >> 8) ^ table[(fp ^ byte) & 0xFF]
    return fp


PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def canonical(schema, namespace=None) -> str:
    """Parsing Canonical Form: [PRIMITIVES] [FULLNAMES] [STRIP] [ORDER] [STRINGS] [WHITESPACE]."""
    if isinstance(schema, list):
        return "[" + ",".join(canonical(branch, namespace) for branch in schema) + "]"
    if isinstance(schema, str):
        if schema in PRIMITIVES or "." in schema or namespace is None:
            return json.dumps(schema)
        return json.dumps(f"{namespace}.{schema}")
    kind = schema["type"]
    if kind in PRIMITIVES:
        return json.dumps(kind)
    if kind in ("record", "enum", "fixed"):
        name = schema["name"]
        if "." not in name:
            namespace = schema.get("namespace", namespace)
            name = f"{namespace}.{name}" if namespace else name
        else:
            namespace = name.rsplit(".", 1)[0]
        parts = [f'"name":{json.dumps(name)}', f'"type":"{kind}"']
        if kind == "record":
            fields = ",".join(
                f'{{"name":{json.dumps(field["name"])},"type":{canonical(field["type"], namespace)}}}'
                for field in schema["fields"])
            parts.append(f'"fields":[{fields}]')
        elif kind == "enum":
            parts.append(f'"symbols":{json.dumps(schema["symbols"], separators=(",", ":"))}')
        else:
            parts.append(f'"size":{schema["size"]}')
        return "{" + ",".join(parts) + "}"
    if kind == "array":
        return f'{{"type":"array","items":{canonical(schema["items"], namespace)}}}'
    if kind == "map":
        return f'{{"type":"map","values":{canonical(schema["values"], namespace)}}}'
    raise ValueError(f"unknown schema type {kind}")


def main() -> None:
    text = open(sys.argv[1]).read()
    schema = avro.schema.parse(text)
    data = sys.stdin.buffer.read()
    if data[:2] != b"\xc3\x01":
        sys.exit(f"not single-object encoding: starts with {data[:2].hex()}")
    expected = fingerprint(canonical(json.loads(text)).encode()).to_bytes(8, "little")
    if data[2:10] != expected:
        sys.exit(f"fingerprint {data[2:10].hex()} is not the schema's {expected.hex()}")
    record = avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(data[10:])))
    print(json.dumps(record, default=str))


if __name__ == "__main__":
    main()
