"""Which requests the client repeats.  A GET is repeated on 429/502/503/504 and on connection
errors; a request that changes something only when the answer says it was not acted on (429,
503) or it never left (connection refused): a 502/504 from a proxy, or a timeout, may come after
Heketi created the volume, and repeating the POST would create a second one.  A tiny local
HTTP server stands in for a proxy in front of Heketi (no Heketi behaviour is emulated)."""
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.metrostor.gluster.plugins.module_utils.heketi_client import HeketiClient, HeketiError


class Proxy(object):
    def __init__(self, status, delay=0.0):
        seen = self.seen = []

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self):
                seen.append((self.command, self.path))
                if delay:
                    threading.Event().wait(delay)
                body = b"{}"
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up waiting
                    pass

            do_GET = do_POST = do_DELETE = _answer

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def proxy(request):
    server = Proxy(*request.param)
    yield server
    server.close()


def client(url, **kw):
    return HeketiClient(url, key="k", retries=2, backoff=0.01, sleep=lambda s: None, **kw)


@pytest.mark.parametrize("proxy", [(502,), (504,)], indirect=True)
def test_a_post_answered_by_a_gateway_error_is_not_repeated(proxy):
    with pytest.raises(HeketiError) as err:
        client(proxy.url).cluster_create()
    assert proxy.seen == [("POST", "/clusters")]
    assert err.value.status in (502, 504)


@pytest.mark.parametrize("proxy", [(502,)], indirect=True)
def test_a_get_answered_by_a_gateway_error_is_repeated(proxy):
    with pytest.raises(HeketiError):
        client(proxy.url).cluster_list()
    assert proxy.seen == [("GET", "/clusters")] * 3


@pytest.mark.parametrize("proxy", [(503,), (429,)], indirect=True)
def test_a_post_refused_before_acting_is_repeated(proxy):
    with pytest.raises(HeketiError):
        client(proxy.url).cluster_create()
    assert proxy.seen == [("POST", "/clusters")] * 3


@pytest.mark.parametrize("proxy", [(200, 3.0)], indirect=True)
def test_a_post_that_times_out_is_not_repeated(proxy):
    with pytest.raises(HeketiError) as err:
        client(proxy.url, timeout=1).cluster_create()
    assert proxy.seen == [("POST", "/clusters")]
    assert "it may have acted on it, so it was not repeated" in str(err.value)


def test_a_post_to_a_closed_port_is_repeated():
    c = client("http://127.0.0.1:9")
    with pytest.raises(HeketiError) as err:
        c.cluster_create()
    assert c.calls == 3 and "Cannot reach Heketi" in str(err.value)
