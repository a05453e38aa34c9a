"""Tests of the web app, run by the buildspec: ``python -m unittest discover -s tests -t .``."""

import json
import unittest

from application import VERSION, application


def call(path):
    seen = {}

    def start_response(status, headers):
        seen["status"] = status
        seen["headers"] = dict(headers)

    body = b"".join(application({"PATH_INFO": path, "REQUEST_METHOD": "GET"}, start_response))
    return seen["status"], seen["headers"], body


class ApplicationTest(unittest.TestCase):
    def test_home_page_says_hello_with_its_version(self):
        status, headers, body = call("/")
        self.assertEqual(status, "200 OK")
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        self.assertIn(b"Hello from Elastic Beanstalk", body)
        self.assertIn(VERSION.encode(), body)
        self.assertEqual(headers["Content-Length"], str(len(body)))

    def test_health_is_json_ok(self):
        status, headers, body = call("/health")
        self.assertEqual(status, "200 OK")
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(json.loads(body), {"status": "ok", "version": VERSION})

    def test_unknown_path_is_404(self):
        status = call("/nope")[0]
        self.assertEqual(status, "404 Not Found")


if __name__ == "__main__":
    unittest.main()
