#!/usr/bin/env python3
"""Copies the public texts the recall conversations are built from into bench/recall/sources/.

Run once on a Debian 12 machine (python3.11, man, the packages named in SOURCES.md); the
generator (generate.mjs) reads only sources/, so the data can be rebuilt anywhere without
these system files. Each excerpt starts with a line '@@@ <title> | <origin>'.
Dev, heldout, heldout2, heldout3, heldout4 and heldout5 files never share an excerpt. `collect_sources.py -heldout5`
writes only the heldout5 files (the others are left as they are); `-heldout4`, `-heldout3` and `-heldout2` likewise.
"""
import gettext, gzip, os, re, subprocess, sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'sources')
PY = '/usr/lib/python3.11'
os.makedirs(OUT, exist_ok=True)


def man(page, section='1', cap=None):
    path = None
    for d in (f'/usr/share/man/man{section}',):
        for ext in (f'{page}.{section}.gz', f'{page}.{section}ssl.gz'):
            if os.path.exists(os.path.join(d, ext)):
                path = os.path.join(d, ext)
    if path is None:
        sys.exit(f'missing man page {page}')
    env = dict(os.environ, MANWIDTH='80', LANG='C.UTF-8')
    text = subprocess.run(['man', '--nj', '--nh', '-l', path], capture_output=True, text=True, env=env).stdout
    text = re.sub(r'\n{3,}', '\n\n', text)
    return clip(text, cap), path


def clip(text, cap):
    if cap is None or len(text.encode()) <= cap:
        return text
    out = []
    n = 0
    for para in text.split('\n\n'):
        b = len(para.encode()) + 2
        if n + b > cap:
            break
        out.append(para)
        n += b
    return '\n\n'.join(out)


def read(path, cap=None, skip=0):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rt', encoding='utf-8', errors='replace') as f:
        text = f.read()
    if skip:
        text = text[skip:]
        text = text[text.find('\n\n') + 2:]
    return clip(text, cap)


ONLY = sys.argv[1] if len(sys.argv) > 1 else None  # e.g. "-heldout3": write only the files whose name ends in it

ONLY_RE = re.compile(re.escape(ONLY) + r'\.txt$') if ONLY else None


def write(name, parts):
    if ONLY_RE and not ONLY_RE.search(name):
        return
    with open(os.path.join(OUT, name), 'w', encoding='utf-8') as f:
        for title, origin, text in parts:
            f.write(f'@@@ {title} | {origin}\n{text.strip()}\n\n')
    print(name, os.path.getsize(os.path.join(OUT, name)))


def pymods(mods, cap=None):
    return [(m, f'{PY}/{m}', read(f'{PY}/{m}', cap)) for m in mods]


def mans(pages):
    parts = []
    for page, cap, *section in pages:
        text, path = man(page, section[0] if section else '1', cap=cap)
        parts.append((f'man {page}', path, text))
    return parts


def etc(paths):
    return [(os.path.basename(p), p, read(p)) for p in paths]


def mo(lang, domain, cap, tag=None):
    path = f'/usr/share/locale/{lang}/LC_MESSAGES/{domain}.mo'
    with open(path, 'rb') as f:
        cat = gettext.GNUTranslations(f)._catalog
    pairs = []
    n = 0
    for msgid, msgstr in cat.items():
        if not isinstance(msgid, str) or not msgid or not isinstance(msgstr, str):
            continue
        if len(msgstr) < 50 or msgid == msgstr or '%' in msgstr[:2]:
            continue
        block = f'EN: {msgid.strip()}\n{(tag or lang).upper()}: {msgstr.strip()}'
        b = len(block.encode()) + 2
        if n + b > cap:
            break
        pairs.append(block)
        n += b
    return (f'{domain}.mo {tag or lang}', path, '\n\n'.join(pairs))


def tracebacks(snippets):
    out = []
    for code in snippets:
        r = subprocess.run(['/usr/bin/python3.11', '-c', code], capture_output=True, text=True, cwd='/tmp')
        tb = r.stderr.strip()
        if 'Traceback' not in tb:
            sys.exit(f'no traceback from {code!r}: {tb!r}')
        out.append(f'$ python3 -c {code!r}\n{tb}')
    return '\n\n'.join(out)


def dpkg_log(start, count):
    with open('/var/log/dpkg.log', encoding='utf-8') as f:
        lines = f.read().splitlines()[start:start + count]
    # one block per 12 lines, so the generator can paste pieces of it
    return '\n\n'.join('\n'.join(lines[i:i + 12]) for i in range(0, len(lines), 12))


def history_log(cap):
    with open('/var/log/apt/history.log', encoding='utf-8', errors='replace') as f:
        text = f.read()
    # one block per apt run; very long package lists cut to their first 600 characters
    blocks = []
    for b in text.split('\n\n'):
        b = '\n'.join(l if len(l) <= 600 else l[:600] + ' ...' for l in b.strip().splitlines())
        if b:
            blocks.append(b)
    return clip('\n\n'.join(blocks), cap)


def alternatives_log(count):
    with open('/var/log/alternatives.log', encoding='utf-8') as f:
        lines = f.read().splitlines()[:count]
    return '\n\n'.join('\n'.join(lines[i:i + 10]) for i in range(0, len(lines), 10))


def term_log(cap):
    with open('/var/log/apt/term.log', encoding='utf-8', errors='replace') as f:
        text = f.read()
    text = re.sub(r'\(Reading database \.\.\. [^\n]*?files and directories currently installed\.\)', '(Reading database ... done)', text)
    lines = [l for l in text.splitlines() if l.strip()]
    blocks = ['\n'.join(lines[i:i + 10]) for i in range(0, len(lines), 10)]
    return clip('\n\n'.join(blocks), cap)


TB_DEV = [
    "import json; json.loads('{\"amount\": 12.5,}')",
    "import csv, io; list(csv.reader(io.StringIO('a,\"b\\n'), strict=True))",
    "import shlex; shlex.split('echo \"unterminated')",
    "import decimal; decimal.Decimal('12,50')",
    "import datetime; datetime.date.fromisoformat('2024-02-30')",
    "import heapq; heapq.heapify([{'id': 1}, {'id': 2}])",
    "int('1 234')",
    "open('/nonexistent/exports/batch.csv')",
    "import textwrap; textwrap.wrap('abc', width=0)",
    "import sqlite3; c = sqlite3.connect(':memory:'); c.execute('select * from invoices')",
    "import graphlib; ts = graphlib.TopologicalSorter({'a': {'b'}, 'b': {'a'}}); list(ts.static_order())",
    "import glob, os; os.chdir('/proc/self/fdinfo'); import fnmatch; fnmatch.translate(None)",
    "import struct; struct.unpack('>I', b'\\x00\\x01')",
    "{'iban': 'x'}['bic']",
    "import zoneinfo; zoneinfo.ZoneInfo('Europe/Oslo_')",
    "import subprocess; subprocess.run(['false'], check=True)",
    "import re; re.compile('(?P<amount>[0-9]+')",
    "import base64; base64.b64decode('YWJ*', validate=True)",
]
TB_HELD = [
    "import tempfile, os; d = tempfile.mkdtemp(); os.rmdir(d); tempfile.NamedTemporaryFile(dir=d)",
    "import queue; queue.Queue().get(timeout=0.01)",
    "import calendar; calendar.monthrange(2024, 13)",
    "import netrc; netrc.netrc('/nonexistent/.netrc')",
    "import getopt; getopt.getopt(['--pages'], '', ['pages='])",
    "import urllib.parse; urllib.parse.urlsplit('http://[::1/')",
    "import ipaddress; ipaddress.ip_network('10.0.0.1/24')",
    "import uuid; uuid.UUID('not-a-uuid')",
    "import configparser; c = configparser.ConfigParser(); c.read_string('[a]\\nx=1\\nx=2')",
    "import collections; collections.OrderedDict().popitem()",
    "import statistics; statistics.mean([])",
    "import math; math.sqrt(-1)",
    "import pathlib; pathlib.Path('/etc/hostname').relative_to('/usr')",
    "import socket; socket.getaddrinfo('host.invalid', 443)",
    "import zipfile, io; zipfile.ZipFile(io.BytesIO(b'not a zip'))",
    "import array; array.array('H', [70000])",
    "[1, 2, 3].index(4)",
    "import email.utils; email.utils.parsedate_to_datetime('yesterday')",
]

TB_HELD2 = [
    "import fractions; fractions.Fraction('3/0')",
    "import difflib; difflib.SequenceMatcher(None, 1, 2).ratio()",
    "import bisect; bisect.insort([3, 1], 'x')",
    "import string; string.Template('$who owes $$').substitute({})",
    "import contextlib\nwith contextlib.ExitStack() as s: s.enter_context(object())",
    "import json; json.dumps({'at': object()})",
    "import datetime; datetime.datetime.strptime('31/04/2024', '%d/%m/%Y')",
    "import locale; locale.setlocale(locale.LC_ALL, 'xx_YY.UTF-8')",
    "import os; os.makedirs('/proc/forbidden/dir')",
    "import shutil; shutil.copy('/nonexistent/report.xlsx', '/tmp')",
    "import codecs; b'\\xff\\xfe\\x00'.decode('utf-8')",
    "import operator; operator.itemgetter('qty')([1, 2])",
    "import itertools; next(itertools.islice([], 1, None))",
    "import functools; functools.reduce(lambda a, b: a + b, [])",
    "import pickle; pickle.loads(b'not a pickle')",
    "import hashlib; hashlib.new('sha4')",
    "import textwrap, inspect; inspect.signature(42)",
    "import time; time.strptime('25:61', '%H:%M')",
]

TB_HELD3 = [
    "import wave; wave.open('/etc/hostname', 'rb')",
    "import mimetypes; mimetypes.guess_type(None)",
    "import plistlib; plistlib.loads(b'<plist><dict><key>a</key></dict></plist>')",
    "import colorsys; colorsys.rgb_to_hsv('1', 0, 0)",
    "import pprint; pprint.pformat({}, indent=-1)",
    "import gzip; gzip.decompress(b'not gzip data')",
    "import lzma; lzma.decompress(b'\\x00' * 16)",
    "import tarfile; tarfile.open('/etc/hostname')",
    "import binascii; binascii.unhexlify('abc')",
    "import enum\nclass Tier(enum.Enum): A = 1\nTier('gold')",
    "import dataclasses\n@dataclasses.dataclass\nclass Job: name: str\nJob()",
    "import typing; typing.NamedTuple('Row', [('x', 1)])._fields.index('y')",
    "import heapq, random; random.sample([1, 2], 3)",
    "import secrets; secrets.token_hex(-1)",
    "import html.parser; import xml.etree.ElementTree as ET; ET.fromstring('<a><b></a>')",
    "import wsgiref.headers; wsgiref.headers.Headers([('a', 1)]).items()[5]",
    "import tomllib; tomllib.loads('name = ')",
    "import os; os.kill(999999, 0)",
]

TB_HELD4 = [
    "import base64; base64.b32decode('MZXW6===x')",
    "import fileinput; list(fileinput.input(files=['/nonexistent/intake/batch-0412.csv']))",
    "import uu, io; uu.decode(io.BytesIO(b'garbage'), io.BytesIO())",
    "import imghdr; imghdr.what('/nonexistent/scan-0003.tif')",
    "import logging; logging.basicConfig(level='LOUD')",
    "import logging.handlers; logging.handlers.RotatingFileHandler('/proc/nope/app.log')",
    "import random; random.randrange(5, 5)",
    "import datetime; datetime.timedelta(days=10**10)",
    "import unicodedata; unicodedata.lookup('SNOWMAN WITH HAT')",
    "import urllib.request; urllib.request.urlopen('file:///nonexistent/manifest.json')",
    "import http.client; http.client.HTTPConnection('localhost', 1).request('GET', '/')",
    "import weakref; weakref.ref(1)",
    "import copy, threading; copy.deepcopy(threading.Lock())",
    "import signal; signal.signal(99, signal.SIG_IGN)",
    "import zlib; zlib.decompress(b'x\\x9c garbage')",
    "import resource; resource.setrlimit(resource.RLIMIT_NOFILE, (10, 5))",
    "import quopri; quopri.decodestring(None)",
    "import linecache; linecache.getlines(42)",
]

TB_HELD5 = [
    "import reprlib; reprlib.Repr(maxlevel=-1).repr([[1]])[99]",
    "import keyword; keyword.kwlist.index('walrus')",
    "import getpass; getpass.getpass(stream=3)",
    "import chunk, io; chunk.Chunk(io.BytesIO(b'xy'))",
    "import sndhdr; sndhdr.what('/nonexistent/take-07.aiff')",
    "import pipes; pipes.Template().append('cat', 'zz')",
    "import operator; operator.itemgetter(9)('abc')",
    "import ipaddress; ipaddress.ip_network('10.0.0.1/24')",
    "import statistics; statistics.mean([])",
    "import struct; struct.unpack('>I', b'ab')",
    "import locale; locale.setlocale(locale.LC_ALL, 'xx_YY.UTF-8')",
    "import shlex; shlex.split('echo \"unterminated')",
]

ND = '/usr/share/doc/nodejs/api'

write('code-dev.txt', pymods(['shlex.py', 'textwrap.py', 'csv.py', 'fnmatch.py', 'glob.py', 'heapq.py', 'sched.py', 'graphlib.py']))
write('code-heldout.txt', pymods(['tempfile.py', 'queue.py', 'calendar.py', 'netrc.py', 'zipapp.py', 'getopt.py']))
write('logs-dev.txt', [('dpkg.log', '/var/log/dpkg.log', dpkg_log(0, 420)),
                       ('tracebacks', 'python3.11 -c (commands shown)', tracebacks(TB_DEV))])
write('logs-heldout.txt', [('apt term.log', '/var/log/apt/term.log', term_log(30000)),
                           ('tracebacks', 'python3.11 -c (commands shown)', tracebacks(TB_HELD))])
write('support-dev.txt', mans([('curl', 110000), ('ssh', None), ('scp', None)]))
write('support-heldout.txt', mans([('git-push', None), ('git-fetch', None), ('git-clone', None), ('wget', 50000)]))
write('planning-dev.txt', [('systemd NEWS', '/usr/share/doc/systemd/NEWS.gz', read('/usr/share/doc/systemd/NEWS.gz', 150000))])
write('planning-heldout.txt', [('python3.11 NEWS', '/usr/share/doc/python3.11/NEWS.gz', read('/usr/share/doc/python3.11/NEWS.gz', 100000)),
                               ('coreutils NEWS', '/usr/share/doc/coreutils/NEWS.gz', read('/usr/share/doc/coreutils/NEWS.gz', 50000))])
write('multilingual-dev.txt', [mo(l, 'coreutils', 30000) for l in ['de', 'fr', 'es', 'ja', 'ru']])
write('multilingual-heldout.txt', [mo(l, 'postgres-15', 30000) for l in ['de', 'fr', 'es', 'ja', 'ru']])
write('agent-dev.txt', mans([('tar', None), ('find', 50000), ('xz', 40000), ('date', None), ('cp', None)])
      + pymods(['filecmp.py', 'tabnanny.py'])
      + etc(['/etc/adduser.conf', '/etc/mke2fs.conf', '/etc/gai.conf', '/etc/sysctl.conf', '/etc/debconf.conf']))
write('agent-heldout.txt', mans([('systemctl', 60000), ('journalctl', None), ('pg_dump', None)])
      + [('ftplib.py', f'{PY}/ftplib.py', read(f'{PY}/ftplib.py', 25000))]
      + etc(['/etc/postgresql/15/main/postgresql.conf', '/etc/postgresql/15/main/pg_hba.conf', '/etc/nsswitch.conf', '/etc/deluser.conf']))
write('docs-dev.txt', [('node fs.md', f'{ND}/fs.md', read(f'{ND}/fs.md', 130000)), ('node url.md', f'{ND}/url.md', read(f'{ND}/url.md', 57000))])
write('docs-heldout.txt', [('node crypto.md', f'{ND}/crypto.md', read(f'{ND}/crypto.md', 130000)), ('node dns.md', f'{ND}/dns.md', read(f'{ND}/dns.md', 58000))])

# ---- the second held-out half (heldout2): excerpts neither of the other halves uses ----
write('code-heldout2.txt', [('difflib.py', f'{PY}/difflib.py', read(f'{PY}/difflib.py', 42000))]
      + pymods(['contextlib.py', 'fractions.py', 'bisect.py', 'string.py']))
write('logs-heldout2.txt', [('apt history.log', '/var/log/apt/history.log', history_log(16000)),
                            ('alternatives.log', '/var/log/alternatives.log', alternatives_log(120)),
                            ('tracebacks', 'python3.11 -c (commands shown)', tracebacks(TB_HELD2))])
write('support-heldout2.txt', mans([('gpg', 80000), ('ssh-keygen', None), ('git-stash', None)]))
write('planning-heldout2.txt', [('bash NEWS', '/usr/share/doc/bash/NEWS.gz', read('/usr/share/doc/bash/NEWS.gz', 95000)),
                                ('binutils NEWS', '/usr/share/doc/binutils/NEWS.gz', read('/usr/share/doc/binutils/NEWS.gz', 36000)),
                                ('diffutils NEWS', '/usr/share/doc/diffutils/NEWS.gz', read('/usr/share/doc/diffutils/NEWS.gz', 17400))])
write('multilingual-heldout2.txt', [mo('it', 'dpkg', 30000), mo('pt_BR', 'dpkg', 30000, 'pt'), mo('pl', 'dpkg', 30000),
                                    mo('nl', 'dpkg', 30000), mo('zh_CN', 'dpkg', 30000, 'zh')])
write('agent-heldout2.txt', mans([('grep', None), ('ps', 40000), ('sed', None), ('ls', None), ('chmod', None), ('du', None),
                                  ('df', None), ('make', None)])
      + [('shutil.py', f'{PY}/shutil.py', read(f'{PY}/shutil.py', 30000)), ('selectors.py', f'{PY}/selectors.py', read(f'{PY}/selectors.py'))]
      + etc(['/etc/login.defs', '/etc/ssh/ssh_config', '/etc/security/limits.conf', '/etc/bash.bashrc']))
write('docs-heldout2.txt', [('node stream.md', f'{ND}/stream.md', read(f'{ND}/stream.md', 125000)), ('node path.md', f'{ND}/path.md', read(f'{ND}/path.md'))])

# ---- the third held-out half (heldout3): excerpts no other half uses ----
write('code-heldout3.txt', pymods(['wave.py', 'mimetypes.py', 'plistlib.py', 'pprint.py', 'colorsys.py']))
write('logs-heldout3.txt', [('dpkg.log (later installs)', '/var/log/dpkg.log', dpkg_log(3000, 480)),
                            ('tracebacks', 'python3.11 -c (commands shown)', tracebacks(TB_HELD3))])
write('support-heldout3.txt', mans([('sftp', None), ('ssh-add', None), ('ssh-agent', None), ('git-rebase', 70000)]))
write('planning-heldout3.txt', [('tar NEWS', '/usr/share/doc/tar/NEWS.gz', read('/usr/share/doc/tar/NEWS.gz', 60000)),
                                ('gzip NEWS', '/usr/share/doc/gzip/NEWS.gz', read('/usr/share/doc/gzip/NEWS.gz')),
                                ('xz-utils NEWS', '/usr/share/doc/xz-utils/NEWS.gz', read('/usr/share/doc/xz-utils/NEWS.gz', 60000))])
write('multilingual-heldout3.txt', [mo(l, 'apt', 30000) for l in ['es', 'fr', 'de', 'ja', 'ru', 'sv']])
write('agent-heldout3.txt', mans([('ip', None, '8'), ('ss', None, '8'), ('lsblk', None, '8'), ('mount', 50000, '8'), ('xargs', None),
                                  ('sort', None), ('stat', None), ('ln', None)])
      + [('tarfile.py', f'{PY}/tarfile.py', read(f'{PY}/tarfile.py', 30000))]
      + etc(['/etc/fstab', '/etc/host.conf', '/etc/ca-certificates.conf', '/etc/e2scrub.conf', '/etc/xattr.conf', '/etc/inputrc']))
write('docs-heldout3.txt', [('node http.md', f'{ND}/http.md', read(f'{ND}/http.md', 120000)), ('node timers.md', f'{ND}/timers.md', read(f'{ND}/timers.md'))])

# ---- the fourth held-out half (heldout4): excerpts no other half uses; at most 500 KB in all ----
write('code-heldout4.txt', pymods(['base64.py', 'fileinput.py', 'quopri.py', 'imghdr.py', 'linecache.py', 'uu.py']))
write('logs-heldout4.txt', [('dpkg.log (middle installs)', '/var/log/dpkg.log', dpkg_log(1500, 300)),
                            ('tracebacks', 'python3.11 -c (commands shown)', tracebacks(TB_HELD4))])
write('support-heldout4.txt', mans([('git-worktree', None), ('git-bisect', None), ('git-tag', None), ('git-config', 15000)]))
write('planning-heldout4.txt', [('grep NEWS', '/usr/share/doc/grep/NEWS.gz', read('/usr/share/doc/grep/NEWS.gz', 38000)),
                                ('sed NEWS', '/usr/share/doc/sed/NEWS.gz', read('/usr/share/doc/sed/NEWS.gz', 25000)),
                                ('patch NEWS', '/usr/share/doc/patch/NEWS.gz', read('/usr/share/doc/patch/NEWS.gz'))])
# (Korean has no findutils entries long enough, so its excerpt comes from grep's catalogue)
write('multilingual-heldout4.txt', [mo('ko', 'grep', 14000)] + [mo(l, 'findutils', 14000) for l in ['uk', 'cs', 'tr', 'vi', 'fi']])
write('agent-heldout4.txt', mans([('tail', None), ('head', None), ('cut', None), ('uniq', None), ('wc', None), ('timeout', None),
                                  ('nice', None), ('nohup', None), ('split', None), ('tee', None), ('chown', None), ('install', None)])
      + [('logging/handlers.py', f'{PY}/logging/handlers.py', read(f'{PY}/logging/handlers.py', 30000))]
      + etc(['/etc/services', '/etc/protocols', '/etc/wgetrc', '/etc/ethertypes', '/etc/ucf.conf', '/etc/profile', '/etc/pam.conf']))
write('docs-heldout4.txt', [('node child_process.md', f'{ND}/child_process.md', read(f'{ND}/child_process.md', 55000)),
                            ('node zlib.md', f'{ND}/zlib.md', read(f'{ND}/zlib.md', 18000))])

# ---- the fifth held-out half (heldout5): excerpts no other half uses; at most 400 KB in all ----
write('code-heldout5.txt', pymods(['reprlib.py', 'keyword.py', 'getpass.py', 'chunk.py', 'sndhdr.py', 'pipes.py']))
write('logs-heldout5.txt', [('dpkg.log (installs after the heldout4 excerpt)', '/var/log/dpkg.log', dpkg_log(1800, 300)),
                            ('tracebacks', 'python3.11 -c (commands shown)', tracebacks(TB_HELD5))])
write('support-heldout5.txt', mans([('git-blame', None), ('git-cherry-pick', None), ('git-revert', None), ('git-clean', None)]))
write('planning-heldout5.txt', [('findutils NEWS', '/usr/share/doc/findutils/NEWS.gz', read('/usr/share/doc/findutils/NEWS.gz', 30000)),
                                ('less NEWS', '/usr/share/doc/less/NEWS.gz', read('/usr/share/doc/less/NEWS.gz', 30000)),
                                ('wget NEWS', '/usr/share/doc/wget/NEWS.gz', read('/usr/share/doc/wget/NEWS.gz', 25000))])
write('multilingual-heldout5.txt', [mo(l, 'sed', 12000) for l in ['el', 'hu', 'ro', 'id', 'ca', 'sk']])
write('agent-heldout5.txt', mans([('sleep', None), ('touch', None), ('mktemp', None), ('realpath', None), ('truncate', None),
                                  ('basename', None), ('dirname', None), ('tr', None)])
      + etc(['/etc/shells', '/etc/ld.so.conf', '/etc/issue', '/etc/bindresvport.blacklist', '/etc/networks']))
write('docs-heldout5.txt', [('node os.md', f'{ND}/os.md', read(f'{ND}/os.md', 30000)),
                            ('node readline.md', f'{ND}/readline.md', read(f'{ND}/readline.md', 30000))])
