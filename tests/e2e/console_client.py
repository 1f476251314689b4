"""A browser-like HTTP client for the web console: cookies, and the CSRF token read from each form."""

import re

import requests

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


class Console:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()

    def get(self, path: str, **kwargs):
        return self.http.get(self.base_url + path, timeout=60, allow_redirects=False, **kwargs)

    def post(self, path: str, data=None, **kwargs):
        return self.http.post(self.base_url + path, data=data, timeout=60, allow_redirects=False, **kwargs)

    def csrf_token(self, path: str = "/") -> str:
        """The token in the first form of the page at `path`, as a browser would send it back."""
        page = self.get(path)
        assert page.status_code == 200, (page.status_code, page.text[:500])
        found = CSRF_INPUT.search(page.text)
        assert found, page.text[:500]
        return found.group(1)

    def submit(self, form_page: str, action: str, data: dict | None = None, **kwargs):
        """Post a form the way its page would: with the CSRF token the page carried."""
        return self.post(action, {"csrf_token": self.csrf_token(form_page), **(data or {})}, **kwargs)

    def sign_in(self, token: str) -> requests.Response:
        response = self.submit("/sign-in", "/sign-in", {"token": token})
        assert response.status_code == 303, (response.status_code, response.text[:500])
        return response


def signed_in(base_url: str, token: str) -> Console:
    console = Console(base_url)
    console.sign_in(token)
    return console
