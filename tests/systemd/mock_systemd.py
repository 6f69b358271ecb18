'''A mock of systemd (PID 1) for kura's --systemd-cgroup tests.

python-dbusmock template; run with
    /usr/bin/python3 -m dbusmock --system --template tests/systemd/mock_systemd.py
on a private system bus (tests/systemd/with-mock-systemd.sh sets one up).

It implements the part of org.freedesktop.systemd1.Manager that a runtime's
systemd cgroup driver uses, the way systemd 252 does it:

StartTransientUnit(s name, s mode, a(sv) props, a(sa(sv)) aux) -> o job
    "*.scope" and "*.slice" units.  Checks the name, the mode, each property's
    name and D-Bus type (and systemd's range checks), that a scope has live
    PIDs, that no unit of that name is loaded (UnitExists).  Returns a job
    path; the job runs after the reply is sent: the unit's cgroup is made in
    every hierarchy (see "managed"), the PIDs are written to its cgroup.procs,
    then JobNew and JobRemoved(id, job, unit, "done") are emitted.
    The slice "a-b-c.slice" is /a.slice/a-b.slice/a-b-c.slice, "-.slice" the
    root; path components are escaped as systemd's cg_escape() does.
StopUnit(s name, s mode) -> o job
    NoSuchUnit for a unit not loaded.  The job SIGKILLs what is in the unit's
    cgroups, waits until they are empty (stop_timeout), removes the unit's
    directories deepest first and emits JobRemoved "done"; the transient unit
    is then gone (a new StartTransientUnit of the name works again).
SetUnitProperties(s name, b runtime, a(sv) props)
    NoSuchUnit if not loaded; the properties settable on a live unit only.
A unit whose start job failed stays loaded ("failed") until ResetFailedUnit,
as systemd keeps it (unless CollectMode=inactive-or-failed): until then a
StartTransientUnit of its name gets UnitExists.
GetUnit(s name) -> o, ResetFailedUnit(s name), Subscribe(), Unsubscribe().

As systemd does, a scope whose cgroup became empty (its processes exited)
stops by itself and is forgotten: a later StopUnit gets NoSuchUnit.
The mock never writes resource files: what a limit file holds, the runtime
wrote.  Slice directories the mock made are removed (when empty) on exit.

Every method call is appended to the log file as one JSON line:
    {"method": M, "unit": NAME, "props": {NAME: VALUE}, ...}
with VALUE plain JSON (ints, bools, strings, lists), plus "mode", "runtime",
"aux", "job" where they apply and "error": "NAME: message" when the call was
refused.  What the jobs did is logged as {"event": "job", ...} lines, and a
scope that stopped by itself as {"event": "unit-gone", ...}.

Parameters (the template's -p JSON, else environment variables):
    log / KURA_MOCK_LOG                  the JSON log file (default: none)
    fail / KURA_MOCK_FAIL                "call": every StartTransientUnit is refused
                                         with org.freedesktop.DBus.Error.Failed;
                                         "job": its job ends with result "failed"
    managed / KURA_MOCK_MANAGED          "all" (default): the unit's cgroup is made in
                                         every cgroup and cgroup2 hierarchy visible
                                         in this mount namespace; "systemd": only in
                                         those systemd 252 manages (the cgroup2 one,
                                         name=systemd, cpu, cpuacct, blkio, memory,
                                         devices, pids), so the runtime has to make
                                         the others (freezer, cpuset, ...) itself
    stop_timeout / KURA_MOCK_STOP_TIMEOUT  seconds a stop waits for the cgroup to
                                         empty (default 3); then the unit is
                                         "failed", its cgroup stays, and the job
                                         still ends "done", as systemd's does
Failure injection by name: a unit whose name contains "jobfail" gets a job
result "failed"; one that otherwise contains "fail" is refused with
org.freedesktop.DBus.Error.Failed.  org.freedesktop.DBus.Mock.SetFail(s)
("", "call" or "job") changes the mode at run time.
'''

import json
import os
import signal
import time

import dbus
from gi.repository import GLib

from dbusmock import MOCK_IFACE, mockobject

BUS_NAME = 'org.freedesktop.systemd1'
MAIN_OBJ = '/org/freedesktop/systemd1'
MAIN_IFACE = 'org.freedesktop.systemd1.Manager'
UNIT_IFACE = 'org.freedesktop.systemd1.Unit'
SYSTEM_BUS = True

E_NO_SUCH_UNIT = 'org.freedesktop.systemd1.NoSuchUnit'
E_UNIT_EXISTS = 'org.freedesktop.systemd1.UnitExists'
E_NO_SUCH_PROCESS = 'org.freedesktop.systemd1.NoSuchProcess'
E_BAD_SETTING = 'org.freedesktop.systemd1.BadUnitSetting'
E_INVALID_ARGS = 'org.freedesktop.DBus.Error.InvalidArgs'
E_READ_ONLY = 'org.freedesktop.DBus.Error.PropertyReadOnly'
E_FAILED = 'org.freedesktop.DBus.Error.Failed'
# sd-bus's answer when a property's value has another type than the one read
E_ENXIO = 'System.Error.ENXIO'

UINT64_MAX = 2**64 - 1

# controllers systemd knows (cg_escape prefixes "NAME.xxx" components with "_")
SD_CONTROLLERS = ('cpu', 'cpuacct', 'cpuset', 'io', 'blkio', 'memory', 'devices', 'pids',
                  'bpf-firewall', 'bpf-devices', 'bpf-foreign', 'bpf-socket-bind',
                  'bpf-restrict-network-interfaces')
# v1 hierarchies systemd 252 realizes units in (with Delegate=yes: all of them)
SD_V1_MANAGED = ('name=systemd', 'cpu', 'cpuacct', 'blkio', 'memory', 'devices', 'pids')

JOB_MODES = ('replace', 'fail', 'isolate', 'ignore-dependencies', 'ignore-requirements',
             'flush', 'replace-irreversibly')


def _range(lo, hi, also=()):
    return lambda v: v in also or lo <= v <= hi


# property -> (D-Bus signature, value check or None)
UNIT_PROPS = {
    'Description': ('s', None), 'Documentation': ('as', None),
    'DefaultDependencies': ('b', None), 'AddRef': ('b', None), 'CollectMode': ('s', None),
    'Wants': ('as', None), 'Requires': ('as', None), 'Requisite': ('as', None),
    'BindsTo': ('as', None), 'PartOf': ('as', None), 'Upholds': ('as', None),
    'Conflicts': ('as', None), 'Before': ('as', None), 'After': ('as', None),
    'OnFailure': ('as', None), 'OnSuccess': ('as', None), 'Markers': ('as', None),
    'RefuseManualStart': ('b', None), 'RefuseManualStop': ('b', None),
    'StopWhenUnneeded': ('b', None), 'IgnoreOnIsolate': ('b', None),
    'JobTimeoutUSec': ('t', None), 'JobRunningTimeoutUSec': ('t', None),
    'SuccessAction': ('s', None), 'FailureAction': ('s', None),
}
WEIGHT = _range(1, 10000, (UINT64_MAX,))
CGROUP_PROPS = {
    'CPUAccounting': ('b', None), 'MemoryAccounting': ('b', None),
    'TasksAccounting': ('b', None), 'IOAccounting': ('b', None),
    'BlockIOAccounting': ('b', None), 'IPAccounting': ('b', None),
    'CPUWeight': ('t', _range(1, 10000, (0, UINT64_MAX))),  # 0: "idle"
    'StartupCPUWeight': ('t', _range(1, 10000, (0, UINT64_MAX))),
    'CPUShares': ('t', _range(2, 262144, (UINT64_MAX,))),
    'StartupCPUShares': ('t', _range(2, 262144, (UINT64_MAX,))),
    'CPUQuotaPerSecUSec': ('t', lambda v: v > 0),
    'CPUQuotaPeriodUSec': ('t', None),
    'AllowedCPUs': ('ay', None), 'StartupAllowedCPUs': ('ay', None),
    'AllowedMemoryNodes': ('ay', None), 'StartupAllowedMemoryNodes': ('ay', None),
    'IOWeight': ('t', WEIGHT), 'StartupIOWeight': ('t', WEIGHT),
    'BlockIOWeight': ('t', _range(10, 1000, (UINT64_MAX,))),
    'StartupBlockIOWeight': ('t', _range(10, 1000, (UINT64_MAX,))),
    'IODeviceWeight': ('a(st)', None), 'IOReadBandwidthMax': ('a(st)', None),
    'IOWriteBandwidthMax': ('a(st)', None), 'IOReadIOPSMax': ('a(st)', None),
    'IOWriteIOPSMax': ('a(st)', None), 'IODeviceLatencyTargetUSec': ('a(st)', None),
    'BlockIODeviceWeight': ('a(st)', None), 'BlockIOReadBandwidth': ('a(st)', None),
    'BlockIOWriteBandwidth': ('a(st)', None),
    'MemoryMin': ('t', None), 'MemoryLow': ('t', None),
    'DefaultMemoryMin': ('t', None), 'DefaultMemoryLow': ('t', None),
    'MemoryHigh': ('t', lambda v: v >= 1), 'MemoryMax': ('t', lambda v: v >= 1),
    'MemoryLimit': ('t', lambda v: v >= 1), 'MemorySwapMax': ('t', None),
    'MemoryMinScale': ('u', None), 'MemoryLowScale': ('u', None),
    'MemoryHighScale': ('u', None), 'MemoryMaxScale': ('u', None),
    'MemoryLimitScale': ('u', None), 'MemorySwapMaxScale': ('u', None),
    'TasksMax': ('t', lambda v: v >= 1), 'TasksMaxScale': ('u', None),
    'DevicePolicy': ('s', lambda v: v in ('auto', 'closed', 'strict')),
    'DeviceAllow': ('a(ss)', None),
    'IPAddressAllow': ('a(iayu)', None), 'IPAddressDeny': ('a(iayu)', None),
    'IPIngressFilterPath': ('as', None), 'IPEgressFilterPath': ('as', None),
    'BPFProgram': ('a(ss)', None),
    'SocketBindAllow': ('a(iiqq)', None), 'SocketBindDeny': ('a(iiqq)', None),
    'RestrictNetworkInterfaces': ('(bas)', None),
    'Delegate': ('b', None), 'DelegateControllers': ('as', None),
    'DisableControllers': ('as', None),
    'ManagedOOMSwap': ('s', None), 'ManagedOOMMemoryPressure': ('s', None),
    'ManagedOOMMemoryPressureLimit': ('u', None), 'ManagedOOMPreference': ('s', None),
}
KILL_PROPS = {
    'KillMode': ('s', lambda v: v in ('control-group', 'process', 'mixed', 'none')),
    'KillSignal': ('i', lambda v: 1 <= v <= 64), 'RestartKillSignal': ('i', lambda v: 1 <= v <= 64),
    'FinalKillSignal': ('i', lambda v: 1 <= v <= 64), 'WatchdogSignal': ('i', lambda v: 1 <= v <= 64),
    'SendSIGKILL': ('b', None), 'SendSIGHUP': ('b', None),
}
SCOPE_PROPS = {
    'Slice': ('s', None), 'PIDs': ('au', None), 'Controller': ('s', None),
    'TimeoutStopUSec': ('t', None), 'RuntimeMaxUSec': ('t', None),
    'RuntimeRandomizedExtraUSec': ('t', None),
    'OOMPolicy': ('s', lambda v: v in ('continue', 'stop', 'kill')),
}
# what SetUnitProperties may change on a unit that is already started
LIVE_PROPS = dict(CGROUP_PROPS, Description=('s', None), Markers=('as', None),
                  RuntimeMaxUSec=('t', None), RuntimeRandomizedExtraUSec=('t', None))

_SIG_OF = ((dbus.Boolean, 'b'), (dbus.Byte, 'y'), (dbus.Int16, 'n'), (dbus.UInt16, 'q'),
           (dbus.Int32, 'i'), (dbus.UInt32, 'u'), (dbus.Int64, 'x'), (dbus.UInt64, 't'),
           (dbus.Double, 'd'), (dbus.ObjectPath, 'o'), (dbus.Signature, 'g'),
           (dbus.String, 's'))


def dbus_signature(v):
    '''The D-Bus signature a received value was sent with.'''
    for cls, sig in _SIG_OF:
        if isinstance(v, cls):
            return sig
    if isinstance(v, dbus.ByteArray):
        return 'ay'
    if isinstance(v, dbus.Dictionary):
        return 'a{%s}' % (v.signature or '??')
    if isinstance(v, dbus.Array):
        if v.signature:
            return 'a' + v.signature
        return 'a' + (dbus_signature(v[0]) if len(v) else '?')
    if isinstance(v, dbus.Struct):
        return '(' + ''.join(dbus_signature(x) for x in v) + ')'
    return '?'


def plain(v):
    '''A D-Bus value as plain JSON.'''
    if isinstance(v, dbus.Boolean):
        return bool(v)
    if isinstance(v, (bytes, bytearray)):
        return list(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    if isinstance(v, str):
        return str(v)
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    return repr(v)


def bus_error(name, msg):
    return dbus.exceptions.DBusException(msg, name=name)


# ---- names and paths, as systemd computes them ----

UNIT_NAME_CHARS = set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_.\\')
UNIT_TYPES = ('service', 'socket', 'target', 'device', 'mount', 'automount', 'swap', 'timer',
              'path', 'slice', 'scope')


def unit_name_valid(name):
    if not name or len(name) > 255 or not set(name) <= UNIT_NAME_CHARS:
        return False
    dot = name.rfind('.')
    return dot > 0 and name[dot + 1:] in UNIT_TYPES


def slice_valid(name):
    if not unit_name_valid(name) or not name.endswith('.slice'):
        return False
    if name == '-.slice':
        return True
    prefix = name[:-len('.slice')]
    return not (prefix.startswith('-') or prefix.endswith('-') or '--' in prefix)


def cg_escape(p):
    if p[:1] in ('', '_', '.') or p in ('notify_on_release', 'release_agent', 'tasks') \
            or p.startswith('cgroup.'):
        return '_' + p
    dot = p.rfind('.')
    if dot > 0 and p[:dot] in SD_CONTROLLERS:
        return '_' + p
    return p


def slice_path(name):
    '''"a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice"; "-.slice" -> "".'''
    if name == '-.slice':
        return ''
    prefix = name[:-len('.slice')]
    parts = prefix.split('-')
    return ''.join('/' + cg_escape('-'.join(parts[:i + 1]) + '.slice') for i in range(len(parts)))


def parent_slice(slice_name):
    if slice_name == '-.slice':
        return None
    prefix = slice_name[:-len('.slice')]
    return prefix.rsplit('-', 1)[0] + '.slice' if '-' in prefix else '-.slice'


def bus_label(name):
    '''systemd's bus_label_escape: every byte not [A-Za-z0-9] as _XX.'''
    return ''.join(c if c.isascii() and c.isalnum() else '_%02x' % ord(c) for c in name)


def hierarchies(managed):
    '''(mount point, controllers) of each cgroup hierarchy visible here, once each.'''
    found, seen = [], set()
    with open('/proc/self/mountinfo', encoding='utf-8') as f:
        for line in f:
            left, right = line.rstrip('\n').split(' - ', 1)
            fields, rfields = left.split(' '), right.split(' ')
            fstype = rfields[0]
            if fstype not in ('cgroup', 'cgroup2') or fields[3] != '/':
                continue
            mnt = fields[4].replace('\\040', ' ')
            major, minor = (int(x) for x in fields[2].split(':'))
            try:
                st = os.stat(mnt)
            except OSError:
                continue  # covered by a later mount
            if st.st_dev != os.makedev(major, minor) or st.st_dev in seen:
                continue
            if fstype == 'cgroup2':
                ctrls = ('',)
            else:
                opts = rfields[2].split(',')
                ctrls = tuple(o for o in opts if o in SD_CONTROLLERS or o.startswith('name=')
                              or o in ('freezer', 'net_cls', 'net_prio', 'perf_event',
                                       'hugetlb', 'rdma', 'misc'))
            if managed == 'systemd' and fstype == 'cgroup' and \
                    not any(c in SD_V1_MANAGED for c in ctrls):
                continue
            seen.add(st.st_dev)
            found.append((mnt, ctrls))
    # the hierarchy systemd tracks processes in first: cgroup2, else name=systemd
    found.sort(key=lambda h: 0 if h[1] == ('',) else 1 if 'name=systemd' in h[1] else 2)
    return found


def procs_in(top):
    '''PIDs in the cgroup directory top and below it.'''
    pids = []
    for d, _dirs, _files in os.walk(top):
        try:
            with open(os.path.join(d, 'cgroup.procs'), encoding='ascii') as f:
                pids += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return pids


def rmdir_tree(top):
    '''Remove a cgroup directory and those below it, deepest first.'''
    if not os.path.isdir(top):
        return True
    ok = True
    for d, _dirs, _files in os.walk(top, topdown=False):
        try:
            os.rmdir(d)
        except FileNotFoundError:
            pass
        except OSError:
            ok = False
    return ok


def mkdir_cgroup(d, ctrls):
    '''mkdir a cgroup directory; True when it did not exist.  A new v1 cpuset
    gets its parent's cpus and mems (an empty one takes no process).'''
    if os.path.isdir(d):
        return False
    os.mkdir(d)
    if 'cpuset' in ctrls:
        for f in ('cpuset.cpus', 'cpuset.mems'):
            with open(os.path.join(d, f), encoding='ascii') as cur:
                if cur.read().strip():
                    continue
            with open(os.path.join(os.path.dirname(d), f), encoding='ascii') as parent:
                value = parent.read().strip()
            with open(os.path.join(d, f), 'w', encoding='ascii') as out:
                out.write(value)
    return True


def pid_info(pid):
    '''"COMM (state S, ppid P)" of a process, for the log.'''
    try:
        with open(f'/proc/{pid}/stat', encoding='utf-8', errors='replace') as f:
            stat = f.read()
    except OSError:
        return 'gone'
    comm = stat[stat.index('(') + 1:stat.rindex(')')]
    fields = stat[stat.rindex(')') + 2:].split()
    return f'{comm} (state {fields[0]}, ppid {fields[1]})'


def write_procs(d, pid):
    with open(os.path.join(d, 'cgroup.procs'), 'w', encoding='ascii') as f:
        f.write(str(pid))


def cgroups_of(pid):
    '''/proc/PID/cgroup as {frozenset(controllers): path}; cgroup2's key holds "".'''
    out = {}
    try:
        with open(f'/proc/{pid}/cgroup', encoding='utf-8') as f:
            for line in f:
                _id, ctrls, path = line.rstrip('\n').split(':', 2)
                out[frozenset(ctrls.split(',')) if ctrls else frozenset([''])] = path
    except OSError:
        pass
    return out


# ---- the mock's state ----

class Unit:
    def __init__(self, name, slice_name, props):
        self.name = name
        self.type = name.rsplit('.', 1)[1]
        self.slice = slice_name
        self.props = props
        self.state = 'inactive'
        self.path = f'{MAIN_OBJ}/unit/{bus_label(name)}'
        if self.type == 'slice':
            self.cgroup = slice_path(name) or '/'
        else:
            self.cgroup = slice_path(slice_name) + '/' + cg_escape(name)
        self.dirs = []  # the directories this unit's job made or used


class State:
    def __init__(self, mock, params):
        def param(key, env, default):
            v = params.get(key)
            return str(v) if v is not None else os.environ.get(env, default)

        self.mock = mock
        self.log_file = param('log', 'KURA_MOCK_LOG', '')
        self.fail = param('fail', 'KURA_MOCK_FAIL', '')
        self.managed = param('managed', 'KURA_MOCK_MANAGED', 'all')
        self.stop_timeout = float(param('stop_timeout', 'KURA_MOCK_STOP_TIMEOUT', '3'))
        self.units = {}       # name -> Unit (loaded transient units)
        self.slices = {'-.slice'}  # slice units loaded implicitly (as parents)
        self.made_dirs = []   # slice directories the mock made, to remove at exit
        self.next_job = 1
        self.watch = None

    def write_log(self, entry):
        if not self.log_file:
            return
        fd = os.open(self.log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, (json.dumps(entry) + '\n').encode())
        finally:
            os.close(fd)

    def job(self):
        n = self.next_job
        self.next_job += 1
        return n, f'{MAIN_OBJ}/job/{n}'

    def finish_job(self, job_id, job_path, unit, result, **extra):
        self.mock.EmitSignal(MAIN_IFACE, 'JobNew', 'uos', [job_id, job_path, unit])
        self.mock.EmitSignal(MAIN_IFACE, 'JobRemoved', 'uoss', [job_id, job_path, unit, result])
        self.write_log(dict({'event': 'job', 'job': job_id, 'unit': unit, 'result': result}, **extra))

    def loaded(self, name):
        return name in self.units or name in self.slices

    # unit objects on the bus, for GetUnit callers that read properties
    def export(self, u):
        if u.path in mockobject.objects:
            self.set_state(u, u.state)
            return
        self.mock.AddObject(u.path, UNIT_IFACE, {
            'Id': dbus.String(u.name), 'Names': dbus.Array([u.name], signature='s'),
            'Description': dbus.String(str(u.props.get('Description', u.name))),
            'LoadState': dbus.String('loaded'), 'ActiveState': dbus.String(u.state),
            'SubState': dbus.String('running' if u.state == 'active' else 'dead'),
            'Transient': dbus.Boolean(True),
        }, [])
        iface = 'org.freedesktop.systemd1.' + u.type.capitalize()
        props = {'ControlGroup': dbus.String(u.cgroup)}
        if u.type == 'scope':
            props['Slice'] = dbus.String(u.slice)
        mockobject.objects[u.path].AddProperties(iface, props)

    def set_state(self, u, state):
        u.state = state
        obj = mockobject.objects.get(u.path)
        if obj is not None:
            obj.props[UNIT_IFACE]['ActiveState'] = dbus.String(state)
            obj.props[UNIT_IFACE]['SubState'] = dbus.String(
                {'active': 'running', 'failed': 'failed'}.get(state, 'dead'))

    def fail_unit(self, u):
        '''A unit failed: systemd keeps it loaded (UnitExists for its name) until
        ResetFailedUnit, unless it has CollectMode=inactive-or-failed.'''
        self.set_state(u, 'failed')
        if str(u.props.get('CollectMode', 'inactive')) == 'inactive-or-failed':
            self.forget(u)

    def forget(self, u):
        self.units.pop(u.name, None)
        if u.path in mockobject.objects:
            self.mock.RemoveObject(u.path)

    # cgroup work of the jobs
    def realize(self, u):
        '''mkdir the unit's cgroup (and its slices') in each hierarchy; move the PIDs.'''
        chain, s = [], u.slice if u.type == 'scope' else parent_slice(u.name)
        while s and s != '-.slice':
            chain.insert(0, s)
            s = parent_slice(s)
        for s in chain:
            self.slices.add(s)
        hier = hierarchies(self.managed)
        for mnt, ctrls in hier:
            for s in chain:
                d = mnt + slice_path(s)
                if mkdir_cgroup(d, ctrls):
                    self.made_dirs.append(d)
            d = mnt + u.cgroup
            mkdir_cgroup(d, ctrls)
            u.dirs.append(d)
        pids = u.props.get('PIDs', [])
        before = {pid: cgroups_of(pid) for pid in pids}
        try:
            for (_mnt, _ctrls), d in zip(hier, u.dirs):
                for pid in pids:
                    write_procs(d, pid)
        except OSError:
            # put the processes back where they were, so the cgroup can go
            for pid, where in before.items():
                for mnt, ctrls in hier:
                    if frozenset(ctrls) in where:
                        try:
                            write_procs(mnt + where[frozenset(ctrls)], pid)
                        except OSError:
                            pass
            raise

    def start_job(self, u, job_id, job_path, fail):
        if fail:
            self.finish_job(job_id, job_path, u.name, 'failed', injected=True)
            self.fail_unit(u)
            return False
        try:
            self.realize(u)
        except OSError as e:
            # systemd: the scope fails, its cgroup is pruned, the unit stays "failed"
            for d in reversed(u.dirs):
                rmdir_tree(d)
            u.dirs = []
            self.finish_job(job_id, job_path, u.name, 'failed', error=str(e))
            self.fail_unit(u)
            return False
        self.set_state(u, 'active')
        self.finish_job(job_id, job_path, u.name, 'done', cgroup=u.cgroup, dirs=u.dirs)
        self.watch_empty()
        return False

    def stop_job(self, u, job_id, job_path):
        deadline = time.monotonic() + self.stop_timeout
        killed = []

        def step():
            pids = sorted(set(p for d in u.dirs for p in procs_in(d)))
            if pids and time.monotonic() < deadline:
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                        if pid not in killed:
                            killed.append(pid)
                    except ProcessLookupError:
                        pass
                return True  # poll again
            if pids:  # systemd: "Processes still around after SIGKILL. Ignoring."
                self.finish_job(job_id, job_path, u.name, 'done', killed=killed,
                                left=pids, timeout=True)
                self.fail_unit(u)
                return False
            removed = all([rmdir_tree(d) for d in reversed(u.dirs)])
            self.finish_job(job_id, job_path, u.name, 'done', killed=killed, removed=removed)
            self.forget(u)
            return False

        if step():
            GLib.timeout_add(10, step)
        return False

    def watch_empty(self):
        '''As systemd: a scope whose cgroup has no process left stops and goes away.'''
        if self.watch is not None:
            return

        def check():
            active = [u for u in self.units.values() if u.type == 'scope' and u.state == 'active']
            for u in active:
                if u.dirs and not procs_in(u.dirs[0]):
                    for d in reversed(u.dirs):
                        rmdir_tree(d)
                    self.write_log({'event': 'unit-gone', 'unit': u.name,
                                    'reason': 'cgroup empty'})
                    self.forget(u)
            if not any(u.type == 'scope' and u.state == 'active' for u in self.units.values()):
                self.watch = None
                return False
            return True

        self.watch = GLib.timeout_add(100, check)

    def cleanup(self):
        for d in reversed(self.made_dirs):
            try:
                os.rmdir(d)
            except OSError:
                pass
        self.made_dirs = []


STATE = None


def load(mock, parameters):
    global STATE  # pylint: disable=global-statement
    STATE = State(mock, parameters or {})
    mock.AddProperties(MAIN_IFACE, {
        'Version': dbus.String('252'),
        'Features': dbus.String('+PAM +AUDIT +SECCOMP (kura mock)'),
        'SystemState': dbus.String('running'),
        'Virtualization': dbus.String(''),
    })

    def on_term():
        STATE.cleanup()
        os._exit(0)  # pylint: disable=protected-access
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_HIGH, sig, on_term)


def check_props(unit_type, props, allowed):
    '''The properties as {name: value}; raises systemd's error for a bad one.'''
    out = {}
    for name, value in props:
        name = str(name)
        if unit_type == 'slice' and name == 'Slice':
            raise bus_error(E_INVALID_ARGS, 'Slice may not be set for slice units.')
        if unit_type == 'slice' and name == 'Delegate':
            raise bus_error(E_INVALID_ARGS, 'Delegation not available for unit type')
        if name not in allowed:
            raise bus_error(E_READ_ONLY, f'Cannot set property {name}, or unknown property.')
        sig, ok = allowed[name]
        got = dbus_signature(value)
        if got != sig:
            e = bus_error(E_ENXIO, 'No such device or address')
            e.detail = f'{name}: expected {sig!r}, got {got!r}'
            raise e
        if ok is not None and not ok(value):
            if name == 'CPUQuotaPerSecUSec':
                raise bus_error(E_INVALID_ARGS, 'CPUQuotaPerSecUSec= value out of range')
            raise bus_error(E_INVALID_ARGS, f'Value specified in {name} is out of range')
        out[name] = value
    return out


def _refuse(entry, exc):
    '''Log a refused call and raise its error.'''
    entry['error'] = f'{exc.get_dbus_name()}: {exc.get_dbus_message()}'
    if getattr(exc, 'detail', None):
        entry['detail'] = exc.detail
    STATE.write_log(entry)
    raise exc


def _props_entry(props):
    return {str(k): plain(v) for k, v in props}


def _sender_pid(mock, sender):
    bus = mock.connection
    return int(bus.call_blocking('org.freedesktop.DBus', '/org/freedesktop/DBus',
                                 'org.freedesktop.DBus', 'GetConnectionUnixProcessID',
                                 's', [sender]))


@dbus.service.method(MAIN_IFACE, in_signature='ssa(sv)a(sa(sv))', out_signature='o',
                     sender_keyword='sender')
def StartTransientUnit(self, name, mode, properties, aux, sender=None):
    name, mode = str(name), str(mode)
    entry = {'method': 'StartTransientUnit', 'unit': name, 'mode': mode,
             'props': _props_entry(properties), 'aux': plain(aux)}
    try:
        if mode not in JOB_MODES:
            raise bus_error(E_INVALID_ARGS, f'Job mode {mode} invalid.')
        if not unit_name_valid(name):
            raise bus_error(E_INVALID_ARGS, 'Invalid unit name or type.')
        utype = name.rsplit('.', 1)[1]
        if utype not in ('scope', 'slice'):
            raise bus_error(E_INVALID_ARGS, f'Unit type {utype} is not supported by the mock.')
        if utype == 'slice' and not slice_valid(name):
            raise bus_error(E_INVALID_ARGS, f'Invalid slice name {name}.')
        if STATE.loaded(name):
            raise bus_error(E_UNIT_EXISTS, f'Unit {name} was already loaded or has a fragment file.')
        allowed = dict(UNIT_PROPS, **CGROUP_PROPS)
        if utype == 'scope':
            allowed.update(KILL_PROPS)
            allowed.update(SCOPE_PROPS)
        else:
            allowed.pop('Delegate')
        props = check_props(utype, properties, allowed)
        slice_name = str(props.get('Slice', 'system.slice'))
        if utype == 'scope':
            if not slice_valid(slice_name):
                raise bus_error(E_INVALID_ARGS, f'Unit name \'{slice_name}\' is not a slice')
            pids = []
            for pid in props.get('PIDs', []):
                pid = int(pid) or _sender_pid(self, sender)
                if pid == 1 or pid == os.getpid():
                    raise bus_error(E_INVALID_ARGS,
                                    'Process identifier is a manager process, refusing.')
                if not os.path.exists(f'/proc/{pid}'):
                    raise bus_error(E_NO_SUCH_PROCESS, f'Process {pid} is not alive.')
                pids.append(pid)
            if not pids:  # systemd: "Scope has no PIDs. Refusing."
                raise bus_error(E_BAD_SETTING, f'Unit {name} has a bad unit file setting.')
            props['PIDs'] = pids
            entry['pid_info'] = {str(p): pid_info(p) for p in pids}
        fail = STATE.fail
        if 'jobfail' in name:
            fail = 'job'
        elif 'fail' in name:
            fail = 'call'
        if fail == 'call':
            raise bus_error(E_FAILED, f'mock systemd refuses to start {name} (failure injected)')
    except dbus.exceptions.DBusException as e:
        _refuse(entry, e)
    u = Unit(name, slice_name, props)
    STATE.units[name] = u
    STATE.set_state(u, 'activating')
    STATE.export(u)
    job_id, job_path = STATE.job()
    entry['job'] = job_id
    STATE.write_log(entry)
    GLib.idle_add(STATE.start_job, u, job_id, job_path, fail == 'job')
    return dbus.ObjectPath(job_path)


@dbus.service.method(MAIN_IFACE, in_signature='ss', out_signature='o')
def StopUnit(self, name, mode):  # pylint: disable=unused-argument
    name, mode = str(name), str(mode)
    entry = {'method': 'StopUnit', 'unit': name, 'mode': mode, 'props': {}}
    if mode not in JOB_MODES:
        _refuse(entry, bus_error(E_INVALID_ARGS, f'Job mode {mode} invalid.'))
    if not STATE.loaded(name):
        _refuse(entry, bus_error(E_NO_SUCH_UNIT, f'Unit {name} not loaded.'))
    if name == '-.slice':
        _refuse(entry, bus_error('org.freedesktop.systemd1.OnlyByDependency',
                                 f'Operation refused, unit {name} may be requested by '
                                 'dependency only (it is configured to refuse manual start/stop).'))
    job_id, job_path = STATE.job()
    entry['job'] = job_id
    STATE.write_log(entry)
    u = STATE.units.get(name)
    if u is None:
        # a slice loaded as a parent: stop the mock's units in it (only those:
        # on a host with a real systemd, the slice may hold other processes)
        u = Unit(name, None, {})
        children = [c for c in STATE.units.values() if c.cgroup.startswith(u.cgroup + '/')]
        u.dirs = [d for c in children for d in c.dirs]
        for child in children:
            STATE.forget(child)
        STATE.slices = {s for s in STATE.slices
                        if s != name and not s.startswith(name[:-len('.slice')] + '-')}
        GLib.idle_add(STATE.stop_job, u, job_id, job_path)
    elif u.state in ('active', 'activating'):
        STATE.set_state(u, 'deactivating')
        GLib.idle_add(STATE.stop_job, u, job_id, job_path)
    else:
        # stopping a failed or inactive unit: nothing to do, it stays as it is
        GLib.idle_add(lambda: STATE.finish_job(job_id, job_path, name, 'done') and False)
    return dbus.ObjectPath(job_path)


@dbus.service.method(MAIN_IFACE, in_signature='sba(sv)', out_signature='')
def SetUnitProperties(self, name, runtime, properties):  # pylint: disable=unused-argument
    name = str(name)
    entry = {'method': 'SetUnitProperties', 'unit': name, 'runtime': bool(runtime),
             'props': _props_entry(properties)}
    if not STATE.loaded(name):
        _refuse(entry, bus_error(E_NO_SUCH_UNIT, f'Unit {name} not found.'))
    u = STATE.units.get(name)
    allowed = dict(LIVE_PROPS)
    if name.endswith('.slice'):
        allowed.pop('Delegate')
    try:
        props = check_props(name.rsplit('.', 1)[1], properties, allowed)
    except dbus.exceptions.DBusException as e:
        _refuse(entry, e)
    if u is not None:
        u.props.update(props)
    STATE.write_log(entry)


@dbus.service.method(MAIN_IFACE, in_signature='s', out_signature='o')
def GetUnit(self, name):  # pylint: disable=unused-argument
    name = str(name)
    entry = {'method': 'GetUnit', 'unit': name, 'props': {}}
    if not STATE.loaded(name):
        _refuse(entry, bus_error(E_NO_SUCH_UNIT, f'Unit {name} not loaded.'))
    STATE.write_log(entry)
    return dbus.ObjectPath(f'{MAIN_OBJ}/unit/{bus_label(name)}')


@dbus.service.method(MAIN_IFACE, in_signature='s', out_signature='')
def ResetFailedUnit(self, name):  # pylint: disable=unused-argument
    name = str(name)
    entry = {'method': 'ResetFailedUnit', 'unit': name, 'props': {}}
    if not STATE.loaded(name):
        _refuse(entry, bus_error(E_NO_SUCH_UNIT, f'Unit {name} not loaded.'))
    STATE.write_log(entry)
    u = STATE.units.get(name)
    if u is not None and u.state == 'failed':
        STATE.forget(u)


@dbus.service.method(MAIN_IFACE, in_signature='', out_signature='')
def Subscribe(self):  # pylint: disable=unused-argument
    STATE.write_log({'method': 'Subscribe', 'unit': None, 'props': {}})


@dbus.service.method(MAIN_IFACE, in_signature='', out_signature='')
def Unsubscribe(self):  # pylint: disable=unused-argument
    STATE.write_log({'method': 'Unsubscribe', 'unit': None, 'props': {}})


@dbus.service.method(MOCK_IFACE, in_signature='s', out_signature='')
def SetFail(self, mode):  # pylint: disable=unused-argument
    '''"" (no failure), "call" or "job": how the next StartTransientUnit calls fail.'''
    if str(mode) not in ('', 'call', 'job'):
        raise bus_error(E_INVALID_ARGS, f'fail mode {mode}: not "", "call" or "job"')
    STATE.fail = str(mode)
