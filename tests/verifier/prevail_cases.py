#!/usr/bin/env python3
"""Turns PREVAIL's YAML verifier cases (../shared/prevail-tests/test-data) into
the line format that tests/unit/test_prevail_cases.c reads, so that the C test
needs neither a YAML parser nor PREVAIL's assembly syntax.

PREVAIL states each case's entry state as constraints ("r1.type=packet",
"packet_size=[20, 65534]", "s[504...511].type=number", ...) and its program in
its own textual assembly. This script maps the constraints onto bpfvm's entry
state (struct bpfvm_verify_entry) and encodes the instructions directly. Where
a constraint has no exact counterpart (a register that is one of two types, an
equality between two registers, ...) it is dropped or weakened, never
strengthened, and the case says so with an "approx" line; where an
instruction has no encoding, the case is "inexpressible" and not run.

Output, per case (numbers decimal):
  case FILE NAME
  expect accept|reject|exception
  variant K N                         (K-th of N entry states whose union is
                                       PREVAIL's: safe iff safe from each)
  option NAME                         (PREVAIL's options, informational)
  approx WHY                          (the entry state knows less than PREVAIL's)
  approx_meta WHY                     (... about a data_meta region only: it matters
                                       to packet accesses below data)
  inexpressible WHY                   (cannot be run)
  note WHAT                           (an exact rewrite, e.g. callx of a constant)
  map TYPE KEY_SIZE VALUE_SIZE MAX_ENTRIES
  reg N KIND MAP OFF_MIN OFF_MAX SMIN SMAX UMIN UMAX
  pkt_min N
  init LO HI                          (frame bytes [LO, HI), offsets < 0)
  value OFF SIZE SMIN SMAX UMIN UMAX
  insn CODE DST SRC OFF IMM
  fail INSN                           (an instruction PREVAIL's messages flag)
  end

Usage: prevail_cases.py TEST_DATA_DIR OUTPUT_FILE
"""
import glob
import itertools
import os
import re
import sys

import yaml

INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1
UINT64_MAX = (1 << 64) - 1
STACK = 512

# enum bpfvm_entry_kind
NONE, SCALAR, CTX, STACKK, PACKET, PACKET_END, MAP, MAP_VALUE, MAP_VALUE_OR_NULL = range(9)
# maps: 0 is PREVAIL's test map (fd of any number; type 0 there, whose
# lookups may return null: a hash here), 1 a program array for
# map_fd_programs; shared regions get one array map each after these.
MAP_HASH, MAP_ARRAY, MAP_PROG_ARRAY, MAP_RINGBUF = 1, 2, 3, 27
RINGBUF_HELPERS = {130, 131, 132, 133, 134}

# instruction classes, sizes, modes, ops (Linux's UAPI values)
LD, LDX, ST, STX, ALU, JMP, JMP32, ALU64 = range(8)
SIZE = {'u8': 0x10, 'u16': 0x08, 'u32': 0x00, 'u64': 0x18,
        's8': 0x10, 's16': 0x08, 's32': 0x00}
MEM, MEMSX, ATOMIC, ABS, IND, IMM = 0x60, 0x80, 0xc0, 0x20, 0x40, 0x00
ALU_OPS = {'+': 0x00, '-': 0x10, '*': 0x20, '/': 0x30, '|': 0x40, '&': 0x50,
           '<<': 0x60, '>>': 0x70, '%': 0x90, '^': 0xa0, 's>>': 0xc0,
           's/': 0x30, 's%': 0x90}
JMP_OPS = {'==': 0x10, '>': 0x20, '>=': 0x30, '&==': 0x40, '!=': 0x50,
           's>': 0x60, 's>=': 0x70, '<': 0xa0, '<=': 0xb0, 's<': 0xc0,
           's<=': 0xd0}
NEGATE = {'==': '!=', '!=': '==', '>': '<=', '<=': '>', '>=': '<', '<': '>=',
          's>': 's<=', 's<=': 's>', 's>=': 's<', 's<': 's>=',
          '&==': '&!=', '&!=': '&=='}
ATOMIC_OPS = {'+': 0x00, '|': 0x40, '&': 0x50, '^': 0xa0, 'x': 0xe1,
              'cx': 0xf1}
MOV, NEG, END = 0xb0, 0x80, 0xd0
JA, CALL, EXIT = 0x00, 0x80, 0x90


class Inexpressible(Exception):
    pass


def num(text):
    text = text.strip()
    neg = text.startswith('-')
    body = text[1:].strip() if neg else text
    v = int(body, 16) if body.lower().startswith('0x') else int(body)
    return -v if neg else v


def imm32(text, alu32=False):
    """An immediate as PREVAIL reads it: hex up to 32 bits is a bit pattern,
    decimal a signed 32-bit number (of a 32-bit operation, any 32-bit number);
    anything else has no 32-bit encoding."""
    v = num(text)
    pattern = alu32 or text.strip().lower().startswith('0x')
    if pattern and 0 <= v <= 0xffffffff:
        return v - (1 << 32) if v >= 1 << 31 else v
    if -(1 << 31) <= v < (1 << 31):
        return v
    raise Inexpressible('immediate %s does not fit 32 bits' % text.strip())


def reg(text):
    m = re.fullmatch(r'([rw])(\d+)', text.strip())
    if not m:
        raise Inexpressible('not a register: ' + text)
    return int(m.group(2)), m.group(1) == 'w'


def ins(code, dst=0, src=0, off=0, imm=0):
    return [code, dst, src, off, imm]


class Program:
    def __init__(self, blocks, consts):
        self.consts = consts  # register -> the number it holds at entry
        self.notes = []
        self.lines = []     # PREVAIL instructions, one per line
        self.labels = {}    # label -> index into self.lines
        for label, text in blocks:
            self.labels[label] = len(self.lines)
            for line in (text or '').splitlines():
                line = line.split(';')[0].strip()
                if line:
                    self.lines.append(line)
        self.end = len(self.lines)

    def encode(self):
        """bpfvm instructions, with jumps as (index, label) fixups first."""
        out, start, fix = [], [], []
        for line in self.lines:
            start.append(len(out))
            for i, target in self.encode_line(line):
                if target is not None:
                    fix.append((len(out), target))
                out.append(i)
        last = self.lines[-1] if self.lines else ''
        falls = not (last == 'exit' or last.startswith('goto '))
        need_sink = falls or any(t == self.end for _, t in fix)
        start.append(len(out))
        if need_sink:
            # the end of PREVAIL's program is its exit, without the checks
            # of an exit instruction: r0 = 0 makes that one pass
            out.append(ins(ALU64 | MOV, 0, 0, 0, 0))
            out.append(ins(JMP | EXIT))
        for at, target in fix:
            rel = start[target] - at - 1
            if out[at][0] & 0xf0 == CALL:
                out[at][4] = rel
            else:
                out[at][3] = rel
        self.start = start
        return out

    def writes(self, n):
        """Whether an instruction may change register n."""
        dst = re.compile(r'[rw]%d\s*(s\d+|s>>|s/|s%%|<<|>>|[-+*/%%&|^])?=' % n)
        return any(dst.match(l) or re.search(r'fetch|x=', l) for l in self.lines)

    def target(self, text):
        label = text.strip()
        if label not in self.labels:
            raise Inexpressible('unknown label ' + label)
        return self.labels[label]

    def jump(self, dst, op, src, label):
        """if dst op src goto label, as (insn, target) pairs."""
        d, d32 = reg(dst)
        cls = JMP32 if d32 else JMP
        if op == '&!=':
            return self.jset_not(cls, d, src, label)
        opc = JMP_OPS[op]
        if re.fullmatch(r'[rw]\d+', src.strip()):
            s, _ = reg(src)
            return [(ins(cls | opc | 0x08, d, s), label)]
        return [(ins(cls | opc, d, 0, 0, imm32(src)), label)]

    def jset_not(self, cls, d, src, label):
        """Jump when no bit is set: a jset over an unconditional jump."""
        if re.fullmatch(r'[rw]\d+', src.strip()):
            first = ins(cls | JMP_OPS['&=='] | 0x08, d, reg(src)[0], 1)
        else:
            first = ins(cls | JMP_OPS['&=='], d, 0, 1, imm32(src))
        return [(first, None), (ins(JMP | JA), label)]

    def encode_line(self, line):
        m = re.fullmatch(r'exit', line)
        if m:
            return [(ins(JMP | EXIT), None)]
        m = re.fullmatch(r'goto\s+(<\w+>)', line)
        if m:
            return [(ins(JMP | JA), self.target(m.group(1)))]
        m = re.fullmatch(r'if\s+(\S+)\s+(\S+)\s+(\S+)\s+goto\s+(<\w+>)', line)
        if m:
            return self.jump(m.group(1), m.group(2), m.group(3),
                             self.target(m.group(4)))
        m = re.fullmatch(r'assume\s+(\S+)\s+(\S+)\s+(\S+)', line)
        if m:
            # states where the assumption fails end here, harmlessly: jump
            # over an exit when it holds
            d, op, s = m.group(1), m.group(2), m.group(3)
            if op == '&!=':
                # no bit may be set: states with one go to the exit
                i = self.jump(d, '&==', s, None)[0][0]
                i[3] = 1
                return [(i, None), (ins(JMP | JA, 0, 0, 2), None),
                        (ins(ALU64 | MOV), None), (ins(JMP | EXIT), None)]
            i = self.jump(d, op, s, None)[0][0]
            i[3] = 2
            return [(i, None), (ins(ALU64 | MOV), None), (ins(JMP | EXIT), None)]
        m = re.fullmatch(r'call\s+(<\w+>)', line)
        if m:
            return [(ins(JMP | CALL, 0, 1), self.target(m.group(1)))]
        m = re.fullmatch(r'call\s+(-?\d+)', line)
        if m:
            return [(ins(JMP | CALL, 0, 0, 0, int(m.group(1))), None)]
        m = re.fullmatch(r'callx\s+(r\d+)', line)
        if m:
            n = reg(m.group(1))[0]
            if n in self.consts and n >= 6 and not self.writes(n):
                # the register holds one helper id all along: a plain call
                self.notes.append('callx r%d as call %d' % (n, self.consts[n]))
                return [(ins(JMP | CALL, 0, 0, 0, self.consts[n]), None)]
            return [(ins(JMP | CALL | 0x08, n), None)]
        m = re.fullmatch(r'(r\d+)\s*=\s*\*\((u\d+|s\d+) \*\)skb\[(.*)\]', line)
        if m:
            size = SIZE[m.group(2)]
            arg = m.group(3).strip()
            mm = re.fullmatch(r'(r\d+)(?:\s*([+-])\s*(\S+))?', arg)
            if mm:
                k = imm32(mm.group(3)) if mm.group(3) else 0
                if mm.group(2) == '-':
                    k = -k
                return [(ins(LD | IND | size, 0, reg(mm.group(1))[0], 0, k), None)]
            return [(ins(LD | ABS | size, 0, 0, 0, imm32(arg)), None)]
        m = re.fullmatch(r'(lock\s+)?\*\((u\d+) \*\)\((r\d+)\s*([+-])\s*(\d+)\)\s*'
                         r'(\S*=)\s*(\S+)(\s+fetch)?', line)
        if m:
            size = SIZE[m.group(2)]
            d = reg(m.group(3))[0]
            off = int(m.group(5)) * (-1 if m.group(4) == '-' else 1)
            op = m.group(6)
            if m.group(1):
                a = ATOMIC_OPS.get(op[:-1])
                if a is None:
                    raise Inexpressible('atomic ' + op)
                if m.group(8):
                    a |= 1
                return [(ins(STX | ATOMIC | size, d, reg(m.group(7))[0], off, a), None)]
            if op != '=':
                raise Inexpressible(line)
            if re.fullmatch(r'[rw]\d+', m.group(7)):
                return [(ins(STX | MEM | size, d, reg(m.group(7))[0], off), None)]
            return [(ins(ST | MEM | size, d, 0, off, imm32(m.group(7))), None)]
        m = re.fullmatch(r'([rw]\d+)\s*=\s*\*\(([us]\d+) \*\)\((r\d+)\s*([+-])\s*(\d+)\)', line)
        if m:
            mode = MEMSX if m.group(2).startswith('s') else MEM
            off = int(m.group(5)) * (-1 if m.group(4) == '-' else 1)
            return [(ins(LDX | mode | SIZE[m.group(2)], reg(m.group(1))[0],
                         reg(m.group(3))[0], off), None)]
        m = re.fullmatch(r'(r\d+)\s*=\s*(?:map_fd\s+(\d+)|map_by_idx\((\d+)\))', line)
        if m:
            # any fd is PREVAIL's one test map, but only index 0 exists
            idx = 0 if m.group(3) is None or m.group(3) == '0' else 1000 + int(m.group(3))
            return [(ins(LD | IMM | 0x18, reg(m.group(1))[0], 5, 0, idx), None),
                    (ins(0), None)]
        m = re.fullmatch(r'(r\d+)\s*=\s*(?:map_val\((\d+)\)|mva\(map_by_idx\((\d+)\)\))'
                         r'\s*\+\s*(\d+)', line)
        if m:
            return [(ins(LD | IMM | 0x18, reg(m.group(1))[0], 6, 0, 0), None),
                    (ins(0, 0, 0, 0, int(m.group(4))), None)]
        m = re.fullmatch(r'(r\d+)\s*=\s*(-?(?:0x[0-9a-fA-F]+|\d+))ll', line)
        if m:
            v = num(m.group(2)) & UINT64_MAX
            lo, hi = v & 0xffffffff, v >> 32
            s32 = lambda x: x - (1 << 32) if x >= 1 << 31 else x
            return [(ins(LD | IMM | 0x18, reg(m.group(1))[0], 0, 0, s32(lo)), None),
                    (ins(0, 0, 0, 0, s32(hi)), None)]
        m = re.fullmatch(r'([rw]\d+)\s*=\s*-\s*([rw]\d+)', line)
        if m:
            d, d32 = reg(m.group(1))
            if reg(m.group(2))[0] != d:
                raise Inexpressible(line)
            return [(ins((ALU if d32 else ALU64) | NEG, d), None)]
        m = re.fullmatch(r'([rw]\d+)\s*=\s*(be|le|swap)(\d+)\s+([rw]\d+)', line)
        if m:
            d, _ = reg(m.group(1))
            if reg(m.group(4))[0] != d:
                raise Inexpressible(line)
            code = {'be': ALU | END | 0x08, 'le': ALU | END, 'swap': ALU64 | END}[m.group(2)]
            return [(ins(code, d, 0, 0, int(m.group(3))), None)]
        m = re.fullmatch(r'([rw]\d+)\s*s(\d+)=\s*([rw]\d+)', line)
        if m:
            d, d32 = reg(m.group(1))
            return [(ins((ALU if d32 else ALU64) | MOV | 0x08, d, reg(m.group(3))[0],
                         int(m.group(2))), None)]
        m = re.fullmatch(r'([rw]\d+)\s*(s>>|s/|s%|<<|>>|[-+*/%&|^])?=\s*(\S+)', line)
        if m:
            d, d32 = reg(m.group(1))
            cls = ALU if d32 else ALU64
            op = MOV if m.group(2) is None else ALU_OPS[m.group(2)]
            off = 1 if m.group(2) in ('s/', 's%') else 0
            src = m.group(3)
            if re.fullmatch(r'[rw]\d+', src):
                return [(ins(cls | op | 0x08, d, reg(src)[0], off), None)]
            try:
                k = imm32(src, d32)
            except Inexpressible:
                if op != MOV or d32:
                    raise
                v = num(src) & UINT64_MAX
                return self.encode_line('r%d = %dll' % (d, v))
            return [(ins(cls | op, d, 0, off, k), None)]
        raise Inexpressible('instruction: ' + line)


def interval(text):
    text = text.strip()
    m = re.fullmatch(r'\[\s*(\S+?)\s*,\s*(\S+?)\s*\]', text)
    if m:
        lo = m.group(1)
        hi = m.group(2)
        return (INT64_MIN if lo == '-oo' else num(lo), INT64_MAX if hi == '+oo' else num(hi))
    if re.fullmatch(r'-?(0x[0-9a-fA-F]+|\d+)', text):
        v = num(text)
        return (v, v)
    return None


class Entry:
    def __init__(self, big_endian=False):
        # stack values are bytes in PREVAIL's byte order; bpfvm's are
        # little-endian, so on a big-endian case only "initialised" holds
        self.big_endian = big_endian
        self.regs = {}          # n -> dict of facts
        self.approx = []
        self.pkt = None         # packet_size interval
        self.init = set()       # absolute stack bytes
        self.values = {}        # (lo, hi) -> dict(svalue=, uvalue=)
        self.maps = [(MAP_HASH, 4, 4, 4), (MAP_PROG_ARRAY, 4, 4, 4)]
        self.consts = {}
        self.meta = []          # meta_offset facts dropped: matter only below data
        self.lines = []

    def fact(self, n):
        return self.regs.setdefault(n, {})

    def parse(self, constraints):
        for c in constraints:
            c = c.strip()
            m = re.fullmatch(r'r(\d+)\.(\w+)\s*=\s*(.+)', c)
            if m:
                self.fact(int(m.group(1)))[m.group(2)] = m.group(3).strip()
                continue
            m = re.fullmatch(r'r(\d+)\.type in \{.*\}', c)
            if m:
                self.fact(int(m.group(1)))['type'] = 'union'
                continue
            m = re.fullmatch(r'packet_size\s*=\s*(.+)', c)
            if m:
                iv = interval(m.group(1))
                if iv is None:
                    self.approx.append('packet_size relation ' + c)
                else:
                    self.pkt = iv
                continue
            m = re.fullmatch(r'meta_offset\s*=\s*(.+)', c)
            if m:
                if m.group(1).strip() != '0':
                    self.meta.append('meta_offset (no data_meta here): ' + c)
                continue
            m = re.fullmatch(r's\[(\d+)\.\.\.(\d+)\]\.(\w+)\s*=\s*(.+)', c)
            if m:
                lo, hi, what, val = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
                if what == 'type' and val == 'number':
                    self.init.update(range(lo, hi + 1))
                elif what in ('svalue', 'uvalue') and interval(val) is not None:
                    self.values.setdefault((lo, hi), {})[what] = interval(val)
                else:
                    self.approx.append('stack ' + c)
                continue
            m = re.fullmatch(r's\[(\d+)\.\.\.(\d+)\]\.type in .*', c)
            if m:
                self.approx.append('stack ' + c)
                continue
            raise Inexpressible('constraint ' + c)

    def emit_reg(self, n, kind, map_=0, off=(0, 0), s=(0, 0), u=(0, 0)):
        self.lines.append('reg %d %d %d %d %d %d %d %d %d' %
                          (n, kind, map_, off[0], off[1], s[0], s[1], u[0], u[1]))

    def scalar(self, n, f):
        s, u = (INT64_MIN, INT64_MAX), (0, UINT64_MAX)
        for key in ('svalue', 'uvalue'):
            if key not in f:
                continue
            iv = interval(f[key])
            if iv is not None:
                if key == 'svalue':
                    s = (max(s[0], iv[0]), min(s[1], iv[1]))
                else:
                    lo, hi = iv
                    if lo < 0:  # PREVAIL writes some unsigned bounds signed
                        lo, hi = 0, UINT64_MAX
                    u = (max(u[0], lo), min(u[1], hi if hi >= 0 else UINT64_MAX))
        rel_u = f.get('uvalue')
        if rel_u == 'r%d.svalue' % n:
            # both views equal: the value is below 2^63
            lo = max(s[0], u[0], 0)
            hi = min(s[1], u[1], INT64_MAX)
            s, u = (lo, hi), (lo, hi)
        for key in ('svalue', 'uvalue'):
            v = f.get(key)
            if v is not None and interval(v) is None and v != 'r%d.svalue' % n:
                self.approx.append('r%d.%s=%s (a relation)' % (n, key, v))
        if s[0] > s[1] or u[0] > u[1]:
            raise Inexpressible('r%d has no value (bottom entry state)' % n)
        if s[0] == s[1] and (s[0] & UINT64_MAX) in range(u[0], u[1] + 1):
            self.consts[n] = s[0]
        self.emit_reg(n, SCALAR, s=s, u=u)

    def offset(self, n, f, key, base=0):
        iv = interval(f.get(key, ''))
        if iv is None:
            return None
        return (iv[0] + base, iv[1] + base)

    def pointer(self, n, f):
        t = f.get('type')
        if t == 'ctx':
            off = self.offset(n, f, 'ctx_offset')
            if off is None or off[0] != off[1]:
                self.approx.append('r%d: ctx pointer with an unknown or variable offset' % n)
                return
            self.emit_reg(n, CTX, off=off)
        elif t == 'stack':
            off = self.offset(n, f, 'stack_offset', -self.top)
            if off is None:
                self.approx.append('r%d: stack pointer with an unknown offset' % n)
                return
            self.emit_reg(n, STACKK, off=off)
            size = f.get('stack_numeric_size')
            if size is not None and off[0] == off[1] and interval(size):
                lo = off[0] + self.top
                self.init.update(range(lo, lo + interval(size)[0]))
        elif t == 'packet':
            po = f.get('packet_offset')
            if po == 'packet_size':
                self.emit_reg(n, PACKET_END)
                return
            off = self.offset(n, f, 'packet_offset')
            if off is None:
                self.approx.append('r%d: packet pointer with an unknown offset' % n)
                return
            if off[0] < 0 or off[1] > 0xffff:
                self.approx.append('r%d: packet offset outside [0, 65535]' % n)
                return
            self.emit_reg(n, PACKET, off=off)
        elif t == 'shared':
            off = self.offset(n, f, 'shared_offset')
            size = interval(f.get('shared_region_size', ''))
            if off is None or size is None or size[0] != size[1]:
                self.approx.append('r%d: shared region of unknown size or offset' % n)
                return
            self.maps.append((MAP_ARRAY, 4, size[0], 1))
            # the address (svalue) tells whether the region may be null
            addr = interval(f.get('svalue', '')) or interval(f.get('uvalue', ''))
            if addr is not None and addr[0] > 0:
                self.emit_reg(n, MAP_VALUE, len(self.maps) - 1, off=off)
            elif off[0] == off[1]:
                self.emit_reg(n, MAP_VALUE_OR_NULL, len(self.maps) - 1, off=off)
            else:
                self.approx.append('r%d: shared region that may be null, variable offset' % n)
        elif t == 'map_fd':
            self.emit_reg(n, MAP, 0)
        elif t == 'map_fd_programs':
            self.emit_reg(n, MAP, 1)
        else:
            self.approx.append('r%d: type %s' % (n, t))

    def frame_top(self):
        """PREVAIL's stack offset of the frame's top: r10's when given, else
        512, or 4096 (its stack for all frames) when offsets lie above 512."""
        r10 = self.regs.get(10, {})
        top = interval(r10.get('stack_offset', '')) if r10.get('type') == 'stack' else None
        if top is not None and top[0] == top[1]:
            return top[0]
        highest = max([interval(f.get('stack_offset', '')) or (0, 0)
                       for f in self.regs.values()] + [(0, 0)], key=lambda iv: iv[1])[1]
        highest = max([highest] + [hi + 1 for _, hi in self.values] + list(self.init))
        return STACK if highest <= STACK else 8 * STACK

    def finish(self):
        self.top = self.frame_top()
        for n in sorted(self.regs):
            f = self.regs[n]
            t = f.get('type')
            if t == 'union':
                self.approx.append('r%d: one of several types' % n)
            elif t is not None and t.startswith('r'):
                self.approx.append('r%d.type=%s (a relation)' % (n, t))
            elif t is None:
                self.approx.append('r%d: facts without a type' % n)
            if t == 'number':
                self.scalar(n, f)
            elif t in (None, 'union') or t.startswith('r'):
                continue
            else:
                self.pointer(n, f)
        if self.pkt is not None:
            lo = max(self.pkt[0], 0)
            self.lines.append('pkt_min %d' % lo)
            if self.pkt[1] < 0xfffe:
                self.approx.append('packet_size upper bound %d' % self.pkt[1])
        used = set()
        for (lo, hi), vals in sorted(self.values.items()):
            size = hi - lo + 1
            slot = lo // 8
            if lo < self.top - STACK or hi >= self.top:
                self.approx.append('stack value outside the frame')
                continue
            if (size not in (1, 2, 4, 8) or (hi // 8) != slot or slot in used or
                    (self.big_endian and size > 1)):
                self.approx.append('stack value s[%d...%d]' % (lo, hi))
                self.init.update(range(lo, hi + 1))
                continue
            used.add(slot)
            s = vals.get('svalue', (INT64_MIN, INT64_MAX))
            u = vals.get('uvalue', (0, UINT64_MAX))
            # PREVAIL's svalue of an n-byte cell is the signed n-byte value;
            # bpfvm holds the zero-extended one, which u already states
            if size < 8 and 'uvalue' in vals:
                s = (u[0], u[1])
            elif size < 8:
                s, u = (0, (1 << (8 * size)) - 1), (0, (1 << (8 * size)) - 1)
                self.approx.append('stack value s[%d...%d] without uvalue' % (lo, hi))
            if u[0] < 0:
                u = (0, UINT64_MAX)
            self.lines.append('value %d %d %d %d %d %d' % (lo - self.top, size, s[0], s[1], u[0], u[1]))
        for lo, hi in self.ranges(sorted(self.init)):
            if lo < self.top - STACK or hi > self.top:
                self.approx.append('stack bytes outside the frame')
                lo, hi = max(lo, self.top - STACK), min(hi, self.top)
            if lo < hi:
                self.lines.append('init %d %d' % (lo - self.top, hi - self.top))
        return self.lines

    @staticmethod
    def ranges(sorted_bytes):
        out = []
        for b in sorted_bytes:
            if out and out[-1][1] == b:
                out[-1][1] = b + 1
            else:
                out.append([b, b + 1])
        return out


def informational(msg):
    return ('Code becomes unreachable' in msg) or re.search(r': observation .* failed', msg)


def failing_labels(case):
    """The instructions PREVAIL's messages flag ("7: ...", "7 (counter): ...",
    "0/7: ..." inside a call made at 0), not the informational ones."""
    out = set()
    for m in case.get('messages') or []:
        m = str(m)
        if informational(m):
            continue
        g = re.match(r'(?:\d+/)*(\d+)(?: \(counter\))?:', m)
        if g:
            out.add(int(g.group(1)))
    return sorted(out)


def variants(pre):
    """PREVAIL's "rN.type in {a, b}" as one constraint list per choice of
    types: a program is safe from the union iff it is safe from each. Type
    equalities between registers keep only the choices that satisfy them."""
    unions, rels, rest = {}, [], []
    for c in pre:
        m = re.fullmatch(r'\s*r(\d+)\.type in \{(.*)\}\s*', c)
        r = re.fullmatch(r'\s*r(\d+)\.type\s*=\s*r(\d+)\.type\s*', c)
        if m:
            unions[int(m.group(1))] = [t.strip() for t in m.group(2).split(',')]
        elif r:
            rels.append((int(r.group(1)), int(r.group(2))))
        else:
            rest.append(c)
    if not unions:
        return [pre]
    regs = sorted(unions)
    out = []
    for choice in itertools.product(*(unions[n] for n in regs)):
        types = dict(zip(regs, choice))
        if any(a in types and b in types and types[a] != types[b] for a, b in rels):
            continue
        out.append(rest + ['r%d.type=%s' % (n, t) for n, t in types.items()] +
                   ['r%d.type=r%d.type' % (a, b) for a, b in rels
                    if not (a in types and b in types)])
    return out


def convert_one(case, pre):
    """The lines of one entry state and program (after `expect`)."""
    out = []
    try:
        entry = Entry('big_endian' in (case.get('options') or []))
        entry.parse(pre)
        body = entry.finish()
        program = Program(list((case.get('code') or {}).items()), entry.consts)
        insns = program.encode()
        calls = {i[4] for i in insns if i[0] == JMP | CALL and i[2] == 0}
        if calls & RINGBUF_HELPERS and not calls - RINGBUF_HELPERS:
            # PREVAIL's map has no type: for ring-buffer helpers it is one
            entry.maps[0] = (MAP_RINGBUF, 0, 0, 4096)
            program.notes.append('map 0 is a ring buffer')
    except Inexpressible as e:
        return ['inexpressible ' + str(e)]
    for a in entry.approx:
        out.append('approx ' + a)
    for a in entry.meta:
        out.append('approx_meta ' + a)
    for n in program.notes:
        out.append('note ' + n)
    for m in entry.maps:
        out.append('map %d %d %d %d' % m)
    out.extend(body)
    for i in insns:
        out.append('insn %d %d %d %d %d' % tuple(i))
    for label in failing_labels(case):
        if label < len(program.lines):
            out.append('fail %d' % program.start[label])
    return out


def convert(path, case):
    name = str(case.get('test-case')).replace('\n', ' ')
    head = ['case %s %s' % (os.path.basename(path), name)]
    if 'expected-exception' in case:
        return head + ['expect exception', 'end']
    msgs = case.get('messages') or []
    reject = any(not informational(str(m)) for m in msgs)
    head.append('expect ' + ('reject' if reject else 'accept'))
    for o in case.get('options') or []:
        head.append('option ' + str(o))
    pres = variants(case.get('pre') or [])
    out = []
    for k, pre in enumerate(pres):
        out += head
        if len(pres) > 1:
            out.append('variant %d %d' % (k, len(pres)))
        out += convert_one(case, pre) + ['end']
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    lines = []
    for path in sorted(glob.glob(os.path.join(sys.argv[1], '*.yaml'))):
        with open(path) as f:
            for case in yaml.safe_load_all(f):
                if case:
                    lines.extend(convert(path, case))
    with open(sys.argv[2], 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
