"""Print botocore's view of a config + credentials pair as JSON.

Usage: python3 botocore_view.py CONFIG CREDENTIALS
Prints {"profiles": {name: {key: value or {sub: value}}}} — what
botocore.session.Session().full_config["profiles"] holds, which is what the AWS CLI
and boto3 read — or {"error": "..."} when botocore refuses the files.
"""
import json
import os
import sys

import botocore.exceptions
import botocore.session


def main():
    config, credentials = sys.argv[1], sys.argv[2]
    os.environ["AWS_CONFIG_FILE"] = config
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = credentials
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(var, None)
    try:
        profiles = botocore.session.Session().full_config["profiles"]
    except botocore.exceptions.BotoCoreError as e:
        print(json.dumps({"error": str(e)}))
        return
    print(json.dumps({"profiles": profiles}, sort_keys=True))


main()
