#!/usr/bin/env python3
"""Captures nats-server 2.9.10's JetStream API answers into testdata/nats_server_2_9_10.json.

Run once by hand (the Bazel tests only read the JSON it writes):

    python3 server/jetstream/api/testdata/probe_errors.py [/usr/sbin/nats-server]

It starts `nats-server -js` on a free port with a scratch store, speaks the raw client protocol,
and sends one request per case in order (later cases rely on streams earlier ones created).
Each case records the request subject, headers and body, and the reply's raw header block and
payload, byte for byte. The tests rebuild the same answers with json.h/validate.h and compare.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

SERVER = sys.argv[1] if len(sys.argv) > 1 else '/usr/sbin/nats-server'
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'nats_server_2_9_10.json')


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(('127.0.0.1', port))
        self.buf = b''
        self._line()  # INFO
        self.s.sendall(b'CONNECT {"verbose":false,"pedantic":false,"headers":true,'
                       b'"no_responders":true,"protocol":1}\r\nSUB _R.> 1\r\nPING\r\n')
        while self._line() != b'PONG':
            pass
        self.n = 0

    def _fill(self):
        d = self.s.recv(65536)
        if not d:
            raise EOFError
        self.buf += d

    def _line(self):
        while b'\r\n' not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b'\r\n', 1)
        return line

    def _take(self, n):
        while len(self.buf) < n + 2:
            self._fill()
        d = self.buf[:n]
        self.buf = self.buf[n + 2:]
        return d

    def read_msg(self, timeout):
        self.s.settimeout(timeout)
        try:
            while True:
                line = self._line()
                if line == b'PING':
                    self.s.sendall(b'PONG\r\n')
                    continue
                p = line.split()
                if p[0] == b'MSG':
                    return p[1].decode(), b'', self._take(int(p[-1]))
                if p[0] == b'HMSG':
                    hl, tl = int(p[-2]), int(p[-1])
                    d = self._take(tl)
                    return p[1].decode(), d[:hl], d[hl:]
        except socket.timeout:
            return None
        finally:
            self.s.settimeout(None)

    def request(self, subj, body=b'', hdrs=None, timeout=2.0):
        self.n += 1
        inbox = '_R.%d' % self.n
        if hdrs:
            h = ('NATS/1.0\r\n' + ''.join('%s: %s\r\n' % kv for kv in hdrs.items()) + '\r\n').encode()
            self.s.sendall(b'HPUB %s %s %d %d\r\n' % (subj.encode(), inbox.encode(), len(h), len(h) + len(body))
                           + h + body + b'\r\n')
        else:
            self.s.sendall(b'PUB %s %s %d\r\n' % (subj.encode(), inbox.encode(), len(body)) + body + b'\r\n')
        deadline = time.time() + timeout
        while True:
            m = self.read_msg(max(0.01, deadline - time.time()))
            if m is None:
                return None
            if m[0] == inbox:
                return m


def main():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    store = tempfile.mkdtemp()
    proc = subprocess.Popen([SERVER, '-js', '-sd', store, '-a', '127.0.0.1', '-p', str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                socket.create_connection(('127.0.0.1', port)).close()
                break
            except OSError:
                time.sleep(0.05)
        c = Conn(port)
        cases = {}

        def case(name, subj, body=b'', hdrs=None, timeout=2.0):
            if isinstance(body, (dict, list)):
                body = json.dumps(body, separators=(',', ':')).encode()
            elif isinstance(body, str):
                body = body.encode()
            assert name not in cases, name
            m = c.request(subj, body, hdrs, timeout)
            cases[name] = {
                'subject': subj,
                'headers': hdrs or {},
                'body': body.decode(),
                'reply_headers': m[1].decode() if m else None,
                'reply': m[2].decode() if m else None,
            }
            return m

        def create(name, cfg):
            return case(name, '$JS.API.STREAM.CREATE.' + cfg['name'], cfg)

        def scfg(name, **kw):
            d = {'name': name, 'subjects': [name.lower() + '.>']}
            d.update(kw)
            return d

        api = '$JS.API.'
        # --- Stream create: JSON and handler-level errors ---------------------------------
        case('stream_create_wrong_type', api + 'STREAM.CREATE.X', '{"name":5}')
        case('stream_create_bad_enum', api + 'STREAM.CREATE.X', '{"name":"X","retention":"bogus"}')
        case('stream_create_duration_string', api + 'STREAM.CREATE.X', '{"name":"X","max_age":"1s"}')
        case('stream_create_float_int', api + 'STREAM.CREATE.X', '{"name":"X","max_msgs":1.5}')
        case('stream_create_malformed', api + 'STREAM.CREATE.X', '{bad')
        case('stream_create_empty', api + 'STREAM.CREATE.X', '')
        case('stream_create_array', api + 'STREAM.CREATE.X', '[]')
        case('stream_create_name_mismatch', api + 'STREAM.CREATE.X', {'name': 'Y'})
        case('stream_create_path_sep', api + 'STREAM.CREATE.a/b', {'name': 'a/b'})
        case('stream_create_sealed', api + 'STREAM.CREATE.X', {'name': 'X', 'sealed': True})
        case('stream_create_mirror_direct', api + 'STREAM.CREATE.X', {'name': 'X', 'mirror_direct': True})
        case('stream_create_bad_name', api + 'STREAM.CREATE.a*', {'name': 'a*'})
        case('stream_create_bad_name_gt', api + 'STREAM.CREATE.a>', {'name': 'a>'})
        long_name = 'N' * 256
        case('stream_create_name_too_long', api + 'STREAM.CREATE.' + long_name, {'name': long_name})
        case('stream_create_desc_too_long', api + 'STREAM.CREATE.X', {'name': 'X', 'description': 'd' * 4097})
        case('stream_create_replicas_6', api + 'STREAM.CREATE.X', {'name': 'X', 'num_replicas': 6})
        case('stream_create_replicas_neg', api + 'STREAM.CREATE.X', {'name': 'X', 'num_replicas': -1})
        case('stream_create_replicas_3', api + 'STREAM.CREATE.X', {'name': 'X', 'num_replicas': 3})
        case('stream_create_max_age_small', api + 'STREAM.CREATE.X', {'name': 'X', 'max_age': 50000000})
        case('stream_create_dup_negative', api + 'STREAM.CREATE.X', {'name': 'X', 'duplicate_window': -1})
        case('stream_create_dup_gt_age', api + 'STREAM.CREATE.X',
             {'name': 'X', 'duplicate_window': 120000000000, 'max_age': 60000000000})
        case('stream_create_dup_small', api + 'STREAM.CREATE.X', {'name': 'X', 'duplicate_window': 50000000})
        case('stream_create_rollup_deny_purge', api + 'STREAM.CREATE.X',
             {'name': 'X', 'deny_purge': True, 'allow_rollup_hdrs': True})
        case('stream_create_dnps_discard_old', api + 'STREAM.CREATE.X',
             {'name': 'X', 'discard_new_per_subject': True})
        case('stream_create_dnps_no_max', api + 'STREAM.CREATE.X',
             {'name': 'X', 'discard': 'new', 'discard_new_per_subject': True})
        case('stream_create_mirror_subjects', api + 'STREAM.CREATE.X',
             {'name': 'X', 'subjects': ['x'], 'mirror': {'name': 'O'}})
        case('stream_create_mirror_sources', api + 'STREAM.CREATE.X',
             {'name': 'X', 'mirror': {'name': 'O'}, 'sources': [{'name': 'P'}]})
        case('stream_create_dup_subjects', api + 'STREAM.CREATE.X', {'name': 'X', 'subjects': ['a', 'a']})
        case('stream_create_api_overlap', api + 'STREAM.CREATE.X', {'name': 'X', 'subjects': ['$JS.API.>']})
        case('stream_create_api_overlap_literal', api + 'STREAM.CREATE.X',
             {'name': 'X', 'subjects': ['$JS.API.STREAM.INFO.X']})
        case('stream_create_invalid_subject', api + 'STREAM.CREATE.X', {'name': 'X', 'subjects': ['a..b']})
        case('stream_create_self_overlap', api + 'STREAM.CREATE.X', {'name': 'X', 'subjects': ['a.*', 'a.b']})
        case('stream_create_republish_src', api + 'STREAM.CREATE.X',
             {'name': 'X', 'subjects': ['a.>'], 'republish': {'src': 'b.>', 'dest': 'c.>'}})
        case('stream_create_republish_cycle', api + 'STREAM.CREATE.X',
             {'name': 'X', 'subjects': ['a.>'], 'republish': {'src': 'a.>', 'dest': 'a.b.>'}})
        case('stream_create_republish_invalid', api + 'STREAM.CREATE.X',
             {'name': 'X', 'subjects': ['a.>'], 'republish': {'src': 'a.>', 'dest': 'c.*'}})

        case('stream_create_republish_unused_wc', api + 'STREAM.CREATE.X',
             {'name': 'X', 'subjects': ['a.*'], 'republish': {'src': 'a.*', 'dest': 'b'}})
        case('stream_create_republish_bad_index', api + 'STREAM.CREATE.X',
             {'name': 'X', 'subjects': ['c.*'], 'republish': {'src': 'c.*', 'dest': 'd.$2'}})
        case('stream_create_republish_fwc_mismatch', api + 'STREAM.CREATE.X',
             {'name': 'X', 'subjects': ['f.>'], 'republish': {'src': 'f.>', 'dest': 'g'}})
        case('stream_create_self_overlap_utf8', api + 'STREAM.CREATE.X',
             {'name': 'X', 'subjects': ['\u00e9.*', '\u00e9.a']})

        # --- Stream create: successes ----------------------------------------------------
        create('stream_create_minimal', {'name': 'MIN'})
        create('stream_create_orders', {'name': 'ORDERS', 'subjects': ['orders.>'], 'storage': 'memory'})
        create('stream_create_full', {
            'name': 'FULL', 'description': 'all <fields> & more', 'subjects': ['full.a', 'full.b.*'],
            'retention': 'interest', 'max_consumers': 10, 'max_msgs': 1000, 'max_bytes': 1048576,
            'max_age': 3600000000000, 'max_msgs_per_subject': 5, 'max_msg_size': 4096,
            'discard': 'new', 'storage': 'memory', 'num_replicas': 1, 'no_ack': True,
            'duplicate_window': 60000000000, 'allow_direct': True, 'deny_delete': True,
            'deny_purge': True, 'discard_new_per_subject': True,
            'republish': {'src': 'full.a', 'dest': 'rp.a', 'headers_only': True},
            'placement': {'cluster': 'c1', 'tags': ['t1']},
            'metadata': {'k': 'v'}, 'unknown_field': [1, {'x': None}]})
        create('stream_create_kv', {'name': 'KV_cfg', 'subjects': ['$KV.cfg.>'], 'max_msgs_per_subject': 5,
                                    'discard': 'new', 'allow_rollup_hdrs': True, 'deny_delete': True,
                                    'allow_direct': True, 'max_age': 60000000000, 'storage': 'memory'})
        create('stream_create_wq', {'name': 'WQ', 'subjects': ['wq.>'], 'retention': 'workqueue',
                                    'storage': 'memory'})
        create('stream_create_source', {'name': 'SRC', 'sources': [
            {'name': 'ORDERS', 'opt_start_seq': 5, 'filter_subject': 'orders.x'},
            {'name': 'EXT', 'opt_start_time': '2023-01-02T03:04:05.123Z', 'external': {'api': '$JS.h.API', 'deliver': 'dl'}}],
            'storage': 'memory'})
        create('stream_create_mirror', {'name': 'MIR', 'mirror': {'name': 'ORDERS'}, 'storage': 'memory'})
        create('stream_create_again_same', {'name': 'ORDERS', 'subjects': ['orders.>'], 'storage': 'memory'})
        create('stream_create_exists_diff', {'name': 'ORDERS', 'subjects': ['orders.>']})
        create('stream_create_overlap', {'name': 'OVL', 'subjects': ['orders.x']})
        create('stream_create_dn', {'name': 'DN', 'subjects': ['dn'], 'max_msgs': 1, 'discard': 'new',
                                    'storage': 'memory', 'max_msg_size': 10})
        create('stream_create_dnps', {'name': 'DNPS', 'subjects': ['dnps.*'], 'max_msgs_per_subject': 1,
                                      'discard': 'new', 'discard_new_per_subject': True, 'storage': 'memory'})
        create('stream_create_maxc', {'name': 'MAXC', 'subjects': ['maxc'], 'max_consumers': 1,
                                      'storage': 'memory'})
        create('stream_create_seal', {'name': 'SEAL', 'subjects': ['seal'], 'storage': 'memory'})

        create('stream_create_republish_wc', {'name': 'RPW', 'subjects': ['rpw.*.*'], 'storage': 'memory',
                                              'republish': {'src': 'rpw.*.*', 'dest': 'x.$2.{{wildcard(1)}}'}})
        create('stream_create_republish_all', {'name': 'RPA', 'subjects': ['rpa.>'], 'storage': 'memory',
                                               'republish': {'dest': 'y.>'}})
        create('stream_create_mirror_filter', {'name': 'MF', 'mirror': {'name': 'ORDERS', 'filter_subject': 'zz'}})
        create('stream_create_source_filter', {'name': 'SF', 'sources': [{'name': 'ORDERS', 'filter_subject': 'zz'}]})
        create('stream_create_mirror_size', {'name': 'MS', 'mirror': {'name': 'DN'}, 'max_msg_size': 5})
        create('stream_create_source_size', {'name': 'SS', 'sources': [{'name': 'DN'}], 'max_msg_size': 5})
        create('stream_create_ext_deliver_wc', {'name': 'EW', 'sources': [{'name': 'Q', 'external': {'api': 'a', 'deliver': 'd.*'}}]})
        create('stream_create_ext_api_wc', {'name': 'EA', 'sources': [{'name': 'Q', 'external': {'api': 'a.>', 'deliver': 'd'}}]})
        create('stream_create_ext_api_overlap', {'name': 'EO', 'sources': [{'name': 'Q', 'external': {'api': '$JS.API', 'deliver': 'd'}}]})

        # --- Stream update -----------------------------------------------------------------
        case('stream_update_not_found', api + 'STREAM.UPDATE.NOPE', {'name': 'NOPE'})
        case('stream_update_name_mismatch', api + 'STREAM.UPDATE.ORDERS', {'name': 'OTHER'})
        case('stream_update_bad_name', api + 'STREAM.UPDATE.ORDERS', {'name': ''})
        case('stream_update_storage', api + 'STREAM.UPDATE.ORDERS',
             {'name': 'ORDERS', 'subjects': ['orders.>'], 'storage': 'file'})
        case('stream_update_retention', api + 'STREAM.UPDATE.ORDERS',
             {'name': 'ORDERS', 'subjects': ['orders.>'], 'storage': 'memory', 'retention': 'interest'})
        case('stream_update_max_consumers', api + 'STREAM.UPDATE.ORDERS',
             {'name': 'ORDERS', 'subjects': ['orders.>'], 'storage': 'memory', 'max_consumers': 5})
        case('stream_update_deny_delete', api + 'STREAM.UPDATE.KV_cfg',
             {'name': 'KV_cfg', 'subjects': ['$KV.cfg.>'], 'max_msgs_per_subject': 5, 'discard': 'new',
              'allow_rollup_hdrs': True, 'allow_direct': True, 'max_age': 60000000000, 'storage': 'memory'})
        case('stream_update_deny_purge', api + 'STREAM.UPDATE.FULL', {
            'name': 'FULL', 'subjects': ['full.a', 'full.b.*'], 'retention': 'interest', 'max_consumers': 10,
            'storage': 'memory', 'deny_delete': True,
            'republish': {'src': 'full.a', 'dest': 'rp.a', 'headers_only': True}})
        case('stream_update_republish', api + 'STREAM.UPDATE.FULL', {
            'name': 'FULL', 'subjects': ['full.a', 'full.b.*'], 'retention': 'interest', 'max_consumers': 10,
            'storage': 'memory', 'deny_delete': True, 'deny_purge': True})
        case('stream_update_mirror', api + 'STREAM.UPDATE.MIR', {'name': 'MIR', 'mirror': {'name': 'SRC'},
                                                                  'storage': 'memory'})
        case('stream_update_replicas', api + 'STREAM.UPDATE.ORDERS',
             {'name': 'ORDERS', 'subjects': ['orders.>'], 'storage': 'memory', 'num_replicas': 3})
        case('stream_update_overlap', api + 'STREAM.UPDATE.ORDERS',
             {'name': 'ORDERS', 'subjects': ['orders.>', 'wq.x'], 'storage': 'memory'})
        case('stream_update_ok', api + 'STREAM.UPDATE.ORDERS',
             {'name': 'ORDERS', 'subjects': ['orders.>'], 'storage': 'memory', 'max_msgs': 100,
              'description': 'orders'})
        case('stream_update_seal', api + 'STREAM.UPDATE.SEAL',
             {'name': 'SEAL', 'subjects': ['seal'], 'storage': 'memory', 'sealed': True})
        case('stream_update_unseal', api + 'STREAM.UPDATE.SEAL',
             {'name': 'SEAL', 'subjects': ['seal'], 'storage': 'memory'})

        # --- Publish and PubAck ---------------------------------------------------------------
        case('pub_ack', 'orders.new', 'hello')
        case('pub_ack_msgid', 'orders.new', 'x', {'Nats-Msg-Id': 'A'})
        case('pub_ack_duplicate', 'orders.new', 'x', {'Nats-Msg-Id': 'A'})
        case('pub_wrong_last_seq', 'orders.new', 'x', {'Nats-Expected-Last-Sequence': '1'})
        case('pub_wrong_last_msg_id', 'orders.new', 'x', {'Nats-Expected-Last-Msg-Id': 'B'})
        case('pub_wrong_stream', 'orders.new', 'x', {'Nats-Expected-Stream': 'OTHER'})
        case('pub_wrong_last_subj_seq', 'orders.new', 'x', {'Nats-Expected-Last-Subject-Sequence': '1'})
        case('pub_rollup_not_allowed', 'orders.new', 'x', {'Nats-Rollup': 'sub'})
        case('pub_rollup_bad', '$KV.cfg.a', 'x', {'Nats-Rollup': 'bogus'})
        case('pub_too_big', 'dn', 'this is more than ten bytes')
        case('pub_dn_1', 'dn', 'a')
        case('pub_dn_2', 'dn', 'b')
        case('pub_dnps_1', 'dnps.a', 'a')
        case('pub_dnps_2', 'dnps.a', 'b')
        case('pub_sealed', 'seal', 'x')
        case('pub_kv', '$KV.cfg.a', 'va', {'KV-Operation': 'PUT'})
        case('pub_kv_2', '$KV.cfg.b', 'vb')
        for i in range(3):
            case('pub_orders_more_%d' % i, 'orders.x', 'm%d' % i)

        # --- Stream info / names / list ----------------------------------------------------------
        case('stream_info_not_found', api + 'STREAM.INFO.NOPE')
        case('stream_info_bad_json', api + 'STREAM.INFO.ORDERS', '{"offset":"x"}')
        case('stream_info_kv', api + 'STREAM.INFO.KV_cfg')
        case('stream_info_subjects', api + 'STREAM.INFO.KV_cfg', {'subjects_filter': '>'})
        case('stream_names', api + 'STREAM.NAMES')
        case('stream_names_filter', api + 'STREAM.NAMES', {'subject': 'orders.x'})
        case('stream_names_no_match', api + 'STREAM.NAMES', {'subject': 'zzz'})
        case('stream_names_offset', api + 'STREAM.NAMES', {'offset': 100})
        case('stream_names_bad_json', api + 'STREAM.NAMES', '{"offset":true}')
        case('stream_list_filter', api + 'STREAM.LIST', {'subject': '$KV.cfg.a'})
        case('stream_list_bad_json', api + 'STREAM.LIST', '{"offset":true}')
        case('stream_list_no_match', api + 'STREAM.LIST', {'subject': 'zzz'})

        # --- Msg get / delete ------------------------------------------------------------------
        case('msg_get_empty', api + 'STREAM.MSG.GET.KV_cfg')
        case('msg_get_empty_object', api + 'STREAM.MSG.GET.KV_cfg', '{}')
        case('msg_get_both', api + 'STREAM.MSG.GET.KV_cfg', {'seq': 1, 'last_by_subj': '$KV.cfg.a'})
        case('msg_get_last_and_next', api + 'STREAM.MSG.GET.KV_cfg',
             {'last_by_subj': '$KV.cfg.a', 'next_by_subj': '$KV.cfg.a'})
        case('msg_get_bad_json', api + 'STREAM.MSG.GET.KV_cfg', '{"seq":"1"}')
        case('msg_get_not_found', api + 'STREAM.MSG.GET.KV_cfg', {'seq': 99})
        case('msg_get_no_stream', api + 'STREAM.MSG.GET.NOPE', {'seq': 1})
        case('msg_get_seq_hdrs', api + 'STREAM.MSG.GET.KV_cfg', {'seq': 1})
        case('msg_get_last', api + 'STREAM.MSG.GET.KV_cfg', {'last_by_subj': '$KV.cfg.b'})
        case('msg_get_next', api + 'STREAM.MSG.GET.ORDERS', {'next_by_subj': 'orders.x', 'seq': 2})
        case('msg_delete_empty', api + 'STREAM.MSG.DELETE.ORDERS')
        case('msg_delete_bad_json', api + 'STREAM.MSG.DELETE.ORDERS', '{"seq":-1}')
        case('msg_delete_deny', api + 'STREAM.MSG.DELETE.KV_cfg', {'seq': 1})
        case('msg_delete_sealed', api + 'STREAM.MSG.DELETE.SEAL', {'seq': 1})
        case('msg_delete_ok', api + 'STREAM.MSG.DELETE.ORDERS', {'seq': 2})
        case('msg_delete_no_erase_ok', api + 'STREAM.MSG.DELETE.ORDERS', {'seq': 3, 'no_erase': True})
        case('msg_delete_again', api + 'STREAM.MSG.DELETE.ORDERS', {'seq': 2})
        case('msg_delete_beyond', api + 'STREAM.MSG.DELETE.ORDERS', {'seq': 1000})
        case('msg_delete_no_stream', api + 'STREAM.MSG.DELETE.NOPE', {'seq': 1})
        case('stream_info_deleted', api + 'STREAM.INFO.ORDERS', {'deleted_details': True})

        # --- Consumers -----------------------------------------------------------------------
        cc = api + 'CONSUMER.CREATE.'
        dc = api + 'CONSUMER.DURABLE.CREATE.'

        def ccreq(stream, **cfg):
            return {'stream_name': stream, 'config': cfg}

        case('consumer_create_bad_json', cc + 'ORDERS', '{"stream_name":5}')
        case('consumer_create_empty', cc + 'ORDERS', '')
        case('consumer_create_stream_mismatch', cc + 'ORDERS', ccreq('OTHER'))
        case('consumer_create_legacy_eph_durable', cc + 'ORDERS', ccreq('ORDERS', durable_name='D'))
        case('consumer_create_durable_not_set', api + 'CONSUMER.DURABLE.CREATE.ORDERS.D', ccreq('ORDERS'))
        case('consumer_create_durable_mismatch', api + 'CONSUMER.DURABLE.CREATE.ORDERS.D',
             ccreq('ORDERS', durable_name='E'))
        case('consumer_create_durable_no_name', api + 'CONSUMER.DURABLE.CREATE.ORDERS', ccreq('ORDERS'))
        case('consumer_create_named_durable_mismatch', cc + 'ORDERS.C1', ccreq('ORDERS', durable_name='E'))
        case('consumer_create_path_sep', cc + 'ORDERS.a\\b', ccreq('ORDERS'))
        case('consumer_create_filter_mismatch', cc + 'ORDERS.C1.orders.x', ccreq('ORDERS', filter_subject='orders.y'))
        case('consumer_create_replicas', cc + 'ORDERS', ccreq('ORDERS', num_replicas=3))
        case('consumer_create_no_stream', cc + 'NOPE', ccreq('NOPE'))
        case('consumer_create_name_durable_mismatch', api + 'CONSUMER.DURABLE.CREATE.ORDERS.D',
             ccreq('ORDERS', durable_name='D', name='X'))
        case('consumer_create_backoff', cc + 'ORDERS', ccreq('ORDERS', ack_policy='explicit',
                                                            backoff=[1000000000, 2000000000], max_deliver=2))
        case('consumer_create_desc_long', cc + 'ORDERS', ccreq('ORDERS', description='d' * 4097))
        case('consumer_create_deliver_wc', cc + 'ORDERS', ccreq('ORDERS', deliver_subject='d.*'))
        case('consumer_create_deliver_invalid', cc + 'ORDERS', ccreq('ORDERS', deliver_subject='d..x'))
        case('consumer_create_deliver_cycle', cc + 'ORDERS', ccreq('ORDERS', deliver_subject='orders.d'))
        case('consumer_create_push_max_waiting', cc + 'ORDERS', ccreq('ORDERS', deliver_subject='d', max_waiting=5))
        case('consumer_create_push_ack_none_map', cc + 'ORDERS',
             ccreq('ORDERS', deliver_subject='d', max_ack_pending=5))
        case('consumer_create_push_small_hb', cc + 'ORDERS',
             ccreq('ORDERS', deliver_subject='d', idle_heartbeat=50000000))
        case('consumer_create_pull_wq_ack_none', dc + 'WQ.W', ccreq('WQ', durable_name='W'))
        case('consumer_create_pull_rate', cc + 'ORDERS', ccreq('ORDERS', rate_limit_bps=100))
        case('consumer_create_pull_max_waiting_neg', cc + 'ORDERS', ccreq('ORDERS', max_waiting=-1))
        case('consumer_create_pull_hb', cc + 'ORDERS', ccreq('ORDERS', idle_heartbeat=1000000000))
        case('consumer_create_pull_fc', cc + 'ORDERS', ccreq('ORDERS', flow_control=True))
        case('consumer_create_pull_batch_neg', cc + 'ORDERS', ccreq('ORDERS', max_batch=-1))
        case('consumer_create_pull_expires_small', cc + 'ORDERS', ccreq('ORDERS', max_expires=500000))
        case('consumer_create_direct_pull', cc + 'ORDERS', ccreq('ORDERS', direct=True))
        case('consumer_create_filter_not_subset', cc + 'ORDERS', ccreq('ORDERS', filter_subject='zzz'))
        case('consumer_create_all_seq', cc + 'ORDERS', ccreq('ORDERS', opt_start_seq=5))
        case('consumer_create_all_time', cc + 'ORDERS', ccreq('ORDERS', opt_start_time='2023-01-01T00:00:00Z'))
        case('consumer_create_last_seq', cc + 'ORDERS', ccreq('ORDERS', deliver_policy='last', opt_start_seq=5))
        case('consumer_create_lps_seq', cc + 'ORDERS',
             ccreq('ORDERS', deliver_policy='last_per_subject', opt_start_seq=5))
        case('consumer_create_lps_no_filter', cc + 'ORDERS', ccreq('ORDERS', deliver_policy='last_per_subject'))
        case('consumer_create_new_time', cc + 'ORDERS',
             ccreq('ORDERS', deliver_policy='new', opt_start_time='2023-01-01T00:00:00Z'))
        case('consumer_create_bss_no_seq', cc + 'ORDERS', ccreq('ORDERS', deliver_policy='by_start_sequence'))
        case('consumer_create_bss_time', cc + 'ORDERS', ccreq('ORDERS', deliver_policy='by_start_sequence',
                                                             opt_start_seq=1, opt_start_time='2023-01-01T00:00:00Z'))
        case('consumer_create_bst_no_time', cc + 'ORDERS', ccreq('ORDERS', deliver_policy='by_start_time'))
        case('consumer_create_bst_seq', cc + 'ORDERS', ccreq('ORDERS', deliver_policy='by_start_time', opt_start_seq=1,
                                                            opt_start_time='2023-01-01T00:00:00Z'))
        case('consumer_create_sample_bad', cc + 'ORDERS', ccreq('ORDERS', sample_freq='abc'))
        case('consumer_create_sample_neg', cc + 'ORDERS', ccreq('ORDERS', sample_freq='-5%'))
        case('consumer_create_sample_range', cc + 'ORDERS', ccreq('ORDERS', sample_freq='99999999999999999999'))
        case('consumer_create_sample_quote', cc + 'ORDERS', ccreq('ORDERS', sample_freq='x"y%'))
        case('consumer_create_named_bad', cc + 'ORDERS.a*', ccreq('ORDERS'))
        case('consumer_create_named_replicas_neg', cc + 'ORDERS', ccreq('ORDERS', num_replicas=-1))
        case('consumer_create_direct_durable', dc + 'ORDERS.DD', ccreq('ORDERS', durable_name='DD', direct=True,
                                                                      deliver_subject='dd'))
        case('consumer_create_fc_no_hb', cc + 'ORDERS', ccreq('ORDERS', deliver_subject='d', flow_control=True))
        case('consumer_create_bad_durable', api + 'CONSUMER.DURABLE.CREATE.ORDERS.a*',
             ccreq('ORDERS', durable_name='a*'))
        long_c = 'C' * 256
        case('consumer_create_durable_too_long', api + 'CONSUMER.DURABLE.CREATE.ORDERS.' + long_c,
             ccreq('ORDERS', durable_name=long_c))
        case('consumer_create_bad_enum', cc + 'ORDERS', '{"stream_name":"ORDERS","config":{"ack_policy":"x"}}')
        case('consumer_create_wq_ack_all', dc + 'WQ.W', ccreq('WQ', durable_name='W', ack_policy='all'))
        case('consumer_create_wq_ok', dc + 'WQ.W1', ccreq('WQ', durable_name='W1', ack_policy='explicit',
                                                      filter_subject='wq.a'))
        case('consumer_create_wq_unfiltered', dc + 'WQ.W2', ccreq('WQ', durable_name='W2', ack_policy='explicit'))
        case('consumer_create_wq_overlap', dc + 'WQ.W3', ccreq('WQ', durable_name='W3', ack_policy='explicit',
                                                           filter_subject='wq.*'))
        case('consumer_create_wq_deliver_new', dc + 'WQ.W4', ccreq('WQ', durable_name='W4', ack_policy='explicit',
                                                               filter_subject='wq.b', deliver_policy='new'))
        case('consumer_create_maxc_1', dc + 'MAXC.M1', ccreq('MAXC', durable_name='M1'))
        case('consumer_create_maxc_2', dc + 'MAXC.M2', ccreq('MAXC', durable_name='M2'))

        # Successes.
        case('consumer_create_pull_durable', api + 'CONSUMER.DURABLE.CREATE.ORDERS.PULL',
             ccreq('ORDERS', durable_name='PULL', ack_policy='explicit'))
        case('consumer_create_pull_again', api + 'CONSUMER.DURABLE.CREATE.ORDERS.PULL',
             ccreq('ORDERS', durable_name='PULL', ack_policy='explicit'))
        case('consumer_create_push_durable', api + 'CONSUMER.DURABLE.CREATE.ORDERS.PUSH',
             ccreq('ORDERS', durable_name='PUSH', deliver_subject='push.d', ack_policy='none',
                   deliver_policy='by_start_sequence', opt_start_seq=2, replay_policy='original',
                   filter_subject='orders.x', idle_heartbeat=5000000000, flow_control=True,
                   headers_only=True, description='push <one>', rate_limit_bps=1024, sample_freq='50%',
                   deliver_group='g'))
        case('consumer_create_named', cc + 'ORDERS.NAMED.orders.x',
             ccreq('ORDERS', ack_policy='all', filter_subject='orders.x', backoff=[1000000000, 5000000000],
                   max_deliver=5, max_batch=10, max_expires=30000000000, max_bytes=1024, inactive_threshold=0,
                   mem_storage=True, opt_start_time='2020-05-06T07:08:09.5Z', deliver_policy='by_start_time'))
        case('consumer_create_durable_bst', api + 'CONSUMER.DURABLE.CREATE.ORDERS.BST',
             ccreq('ORDERS', durable_name='BST', deliver_policy='by_start_time',
                   opt_start_time='2020-05-06T07:08:09.123456789+02:00', ack_policy='explicit',
                   max_ack_pending=20000, max_waiting=1, inactive_threshold=3600000000000))
        case('consumer_update_deliver_policy', api + 'CONSUMER.DURABLE.CREATE.ORDERS.PULL',
             ccreq('ORDERS', durable_name='PULL', ack_policy='explicit', deliver_policy='new'))
        case('consumer_update_ack_policy', api + 'CONSUMER.DURABLE.CREATE.ORDERS.PULL',
             ccreq('ORDERS', durable_name='PULL', ack_policy='all'))
        case('consumer_update_to_push', api + 'CONSUMER.DURABLE.CREATE.ORDERS.PULL',
             ccreq('ORDERS', durable_name='PULL', ack_policy='explicit', deliver_subject='x.y'))
        case('consumer_update_max_waiting', api + 'CONSUMER.DURABLE.CREATE.ORDERS.PULL',
             ccreq('ORDERS', durable_name='PULL', ack_policy='explicit', max_waiting=10))
        case('consumer_update_start_time', api + 'CONSUMER.DURABLE.CREATE.ORDERS.BST',
             ccreq('ORDERS', durable_name='BST', deliver_policy='by_start_time',
                   opt_start_time='2020-05-06T07:08:09.123456789+02:00', ack_policy='explicit',
                   max_ack_pending=20000, max_waiting=1, inactive_threshold=3600000000000, description='x'))
        case('consumer_update_ok', api + 'CONSUMER.DURABLE.CREATE.ORDERS.PULL',
             ccreq('ORDERS', durable_name='PULL', ack_policy='explicit', max_ack_pending=7, description='u'))
        case('consumer_info_pull', api + 'CONSUMER.INFO.ORDERS.PULL')
        case('consumer_info_not_found', api + 'CONSUMER.INFO.ORDERS.NOPE')
        case('consumer_info_no_stream', api + 'CONSUMER.INFO.NOPE.X')
        case('consumer_info_body', api + 'CONSUMER.INFO.ORDERS.PULL', '{"x":1}')
        case('consumer_names', api + 'CONSUMER.NAMES.ORDERS')
        case('consumer_names_no_stream', api + 'CONSUMER.NAMES.NOPE')
        case('consumer_names_empty', api + 'CONSUMER.NAMES.MIN')
        case('consumer_names_bad_json', api + 'CONSUMER.NAMES.ORDERS', '{"offset":"a"}')
        case('consumer_list_no_stream', api + 'CONSUMER.LIST.NOPE')
        case('consumer_list_empty', api + 'CONSUMER.LIST.MIN')
        case('consumer_delete_not_found', api + 'CONSUMER.DELETE.ORDERS.NOPE')
        case('consumer_delete_no_stream', api + 'CONSUMER.DELETE.NOPE.X')
        case('consumer_delete_ok', api + 'CONSUMER.DELETE.ORDERS.PUSH')

        # --- Pull requests: status replies -------------------------------------------------------
        create('stream_create_nx', {'name': 'NX', 'subjects': ['nx'], 'storage': 'memory'})
        case('consumer_create_nx', dc + 'NX.NXC', ccreq('NX', durable_name='NXC', ack_policy='explicit'))
        nx = api + 'CONSUMER.MSG.NEXT.NX.NXC'
        case('next_hb_too_large', nx, {'batch': 1, 'expires': 1000000000, 'idle_heartbeat': 600000000})
        case('next_bad_json', nx, '{"batch":"x"}')
        case('next_bad_json_syntax', nx, '{"batch":')

        # --- Purge / delete ----------------------------------------------------------------------
        case('purge_seq_and_keep', api + 'STREAM.PURGE.ORDERS', {'seq': 2, 'keep': 1})
        case('purge_bad_json', api + 'STREAM.PURGE.ORDERS', '{"keep":"1"}')
        case('purge_deny', api + 'STREAM.PURGE.FULL')
        case('purge_sealed', api + 'STREAM.PURGE.SEAL')
        case('purge_no_stream', api + 'STREAM.PURGE.NOPE')
        case('purge_filter_keep', api + 'STREAM.PURGE.ORDERS', {'filter': 'orders.x', 'keep': 1})
        case('purge_all', api + 'STREAM.PURGE.ORDERS')
        case('stream_delete_body', api + 'STREAM.DELETE.MIN', '{"x":1}')
        case('stream_delete_no_stream', api + 'STREAM.DELETE.NOPE')
        case('stream_delete_ok', api + 'STREAM.DELETE.MIN')
        case('stream_info_after_purge', api + 'STREAM.INFO.ORDERS')
        case('account_info', api + 'INFO')

        with open(OUT, 'w') as f:
            json.dump(cases, f, indent=1, sort_keys=True, ensure_ascii=False)
            f.write('\n')
        print('wrote %d cases to %s' % (len(cases), OUT))
    finally:
        proc.terminate()
        proc.wait()
        shutil.rmtree(store, ignore_errors=True)


if __name__ == '__main__':
    main()
