"""The sample web app the pipeline ships to Elastic Beanstalk: a WSGI callable named ``application``.

Elastic Beanstalk's Python platform serves ``application`` from ``application.py`` with gunicorn;
no framework, so the bundle needs nothing from PyPI.
"""

import json
import os

VERSION = "1.0.0"

PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>refarch web app</title></head>
<body>
<h1>Hello from Elastic Beanstalk</h1>
<p>Deployed by CodePipeline: GitHub &rarr; CodeBuild &rarr; manual review &rarr; Elastic Beanstalk.</p>
<p>Version {version}, environment {environment}.</p>
</body>
</html>
"""


def application(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/health":
        body = json.dumps({"status": "ok", "version": VERSION}).encode()
        content_type = "application/json"
        status = "200 OK"
    elif path == "/":
        environment = os.environ.get("REFARCH_ENVIRONMENT", "unknown")
        body = PAGE.format(version=VERSION, environment=environment).encode()
        content_type = "text/html; charset=utf-8"
        status = "200 OK"
    else:
        body = b"not found\n"
        content_type = "text/plain; charset=utf-8"
        status = "404 Not Found"
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
