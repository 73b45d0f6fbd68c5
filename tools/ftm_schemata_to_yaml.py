"""One-shot generator: FollowTheMoney schema listing -> one YAML file per schema.

Reads the schema dump in shared/reference/ftm-schemata.txt (FollowTheMoney 4.11.2, facts only)
and writes crates/corridor-model/schema/ftm/<Name>.yaml. The YAML files are the source of truth
afterwards; this script documents where they came from and is not run by the build.
"""
import ast
import pathlib
import re
import sys

FTM_TYPES = {
    "name", "string", "text", "identifier", "date", "country", "phone", "email", "url",
    "address", "number", "language", "gender", "topic", "json", "checksum", "mimetype",
    "ip", "html",
}

src = pathlib.Path(sys.argv[1]).read_text()
out = pathlib.Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
blocks = re.split(r"^## ", src, flags=re.M)[1:]
for block in blocks:
    lines = block.rstrip().split("\n")
    head = lines[0]
    name = head.split()[0]
    extends = ast.literal_eval(re.search(r"extends=(\[[^\]]*\])", head).group(1))
    edge = re.search(r"edge (\w+)->(\w+) '([^']*)'", head)
    meta = lines[1].strip()
    def field(key):
        m = re.search(key + r"=(\[[^\]]*\]|None)", meta)
        return ast.literal_eval(m.group(1)) if m else None
    props = []
    props_line = lines[2].strip()[len("props:"):].strip() if len(lines) > 2 else ""
    if props_line:
        for part in props_line.split(", "):
            pname, ptype = part.split(":")
            props.append((pname, ptype))
    y = [f"# FollowTheMoney schema {name} (followthemoney 4.11.2), kept name for name."]
    y.append(f"name: {name}")
    if extends:
        y.append(f"extends: [{', '.join(extends)}]")
    if "abstract" in head.split("extends=")[1]:
        y.append("abstract: true")
    if " matchable" in head:
        y.append("matchable: true")
    if edge:
        y.append("edge:")
        y.append(f"  source: {edge.group(1)}")
        y.append(f"  target: {edge.group(2)}")
        y.append(f"  label: {edge.group(3)}")
    for key in ("featured", "required", "caption"):
        v = field(key)
        if v:
            y.append(f"{key}: [{', '.join(v)}]")
    if props:
        y.append("properties:")
        for pname, ptype in props:
            if ptype in FTM_TYPES:
                y.append(f"  {pname}: {{type: {ptype}}}")
            else:
                y.append(f"  {pname}: {{type: entity, range: {ptype}}}")
    (out / f"{name}.yaml").write_text("\n".join(y) + "\n")
print(len(blocks), "schemata written to", out)
