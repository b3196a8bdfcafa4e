"""botocore's view of many config + credentials pairs, for the differential tests.

Reads a JSON list of {"config": TEXT or null, "credentials": TEXT or null} on stdin and
prints a JSON list with, for each pair, {"profiles": {name: {key: value or {sub: value}}}}
-- what botocore.session.Session().full_config["profiles"] holds, which is what the AWS
CLI and boto3 read -- or {"error": MESSAGE} when botocore refuses the files. One process
for the whole batch: importing botocore costs more than reading a thousand files.
"""
import json
import os
import sys
import tempfile

import botocore.exceptions
import botocore.session


def view(directory, pair):
    paths = {}
    for kind in ("config", "credentials"):
        path = os.path.join(directory, kind)
        if os.path.exists(path):
            os.remove(path)
        if pair.get(kind) is not None:
            # newline="" writes the text as given: \r and \r\n stay as they are.
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(pair[kind])
        paths[kind] = path
    os.environ["AWS_CONFIG_FILE"] = paths["config"]
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = paths["credentials"]
    try:
        return {"profiles": botocore.session.Session().full_config["profiles"]}
    except botocore.exceptions.BotoCoreError as e:
        return {"error": str(e).replace(directory, "")}


def main():
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(var, None)
    pairs = json.load(sys.stdin)
    with tempfile.TemporaryDirectory() as directory:
        json.dump([view(directory, p) for p in pairs], sys.stdout)


main()
