#!/usr/bin/env python3
"""Builds the decode stage's compact tables from jieba's dict.txt (MIT) and index-schema/t2s.txt.

Run from the repository root:  python3 src/decode/data/gen.py [path/to/dict.txt]
Without an argument it finds dict.txt in ~/.cargo/registry (the copy the jieba-rs crate ships).

Outputs (all little-endian, sorted by key so the loader can check them):
  unigram.bin  6-byte records: u16 char (BMP), u32 frequency (sum of word frequencies of words containing it)
  bigram.bin   5-byte records: u16 a, u16 b, u8 q  with count ~= 2^(q/8)  (within-word Han bigrams)
  moji.bin     two 8192-byte bitsets over the BMP: (1) characters that UTF-8-as-GBK/Big5/Shift_JIS mojibake
               produces and clean text rarely uses; (2) the 128 characters of the double chain. They feed the
               cheap per-line gate, so clean text never loads the big tables.
"""
import glob, math, os, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))


def is_han(c):
    o = ord(c)
    return 0x3400 <= o <= 0x9FFF or 0x20000 <= o <= 0x2FFFF or 0xF900 <= o <= 0xFAFF


def main():
    if len(sys.argv) > 1:
        dict_path = sys.argv[1]
    else:
        dict_path = sorted(glob.glob(os.path.expanduser('~/.cargo/registry/src/*/jieba-rs-0.11.0/src/data/dict.txt')))[0]
    uni, bi = {}, {}
    with open(dict_path, encoding='utf-8') as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            w, freq = parts[0], int(parts[1])
            for c in w:
                if is_han(c) and ord(c) <= 0xFFFF:
                    uni[c] = uni.get(c, 0) + freq
            for a, b in zip(w, w[1:]):
                if is_han(a) and is_han(b) and ord(a) <= 0xFFFF and ord(b) <= 0xFFFF:
                    bi[a + b] = bi.get(a + b, 0) + freq
    with open(os.path.join(HERE, 'unigram.bin'), 'wb') as out:
        for c in sorted(uni, key=ord):
            out.write(struct.pack('<HI', ord(c), min(uni[c], 0xFFFFFFFF)))
    with open(os.path.join(HERE, 'bigram.bin'), 'wb') as out:
        for k in sorted(bi, key=lambda k: (ord(k[0]), ord(k[1]))):
            q = max(0, min(255, round(math.log2(bi[k]) * 8)))
            out.write(struct.pack('<HHB', ord(k[0]), ord(k[1]), q))

    # Han cost as the Rust side computes it (traditional chars borrow 0.3 x their simplified frequency).
    freq = dict(uni)
    with open(os.path.join(ROOT, 'index-schema', 't2s.txt'), encoding='utf-8') as f:
        for line in f:
            p = line.split()
            if len(p) == 2 and len(p[0]) == 1 and len(p[1]) == 1:
                freq[p[0]] = max(freq.get(p[0], 0), 0.3 * uni.get(p[1], 0))
    total = sum(uni.values())

    def cost(c):
        f = freq.get(c, 0)
        return 8.0 if f <= 0 else min(8.0, max(1.0, math.log10(total / f)))

    reach = set()
    cjk = [chr(o) for o in range(0x3000, 0xA000)] + [chr(o) for o in range(0xFF00, 0xFFF0)]
    leads = sorted({c.encode('utf-8')[0] for c in cjk})
    conts = list(range(0x80, 0xC0))
    # Byte pairs a legacy DBCS reader sees inside UTF-8 CJK text: (lead, cont), (cont, lead), (cont, cont).
    pairs = [(a, b) for a in leads for b in conts] + [(a, b) for a in conts for b in leads] \
        + [(a, b) for a in conts for b in conts]
    for codec in ('gb18030', 'big5hkscs', 'cp932'):
        for a, b in pairs:
            try:
                s = bytes([a, b]).decode(codec)
            except UnicodeDecodeError:
                continue
            reach.update(ch for ch in s if ord(ch) >= 0x80)
        for a in conts:  # single-byte (half-width katakana in Shift_JIS)
            try:
                reach.update(bytes([a]).decode(codec))
            except UnicodeDecodeError:
                pass
    double = set()
    for b in range(0x80, 0x100):
        double.update(chr(b).encode('utf-8').decode('gb18030'))

    def in_gb2312(ch):
        try:
            ch.encode('gb2312')
            return True
        except UnicodeEncodeError:
            return False

    bits = bytearray(16384)
    n = 0
    for ch in reach:
        o = ord(ch)
        if o > 0xFFFF or o < 0x0800 or 0x2000 <= o <= 0x30FF or 0xFF01 <= o <= 0xFF5E:
            continue  # Latin/Greek/Cyrillic are gated as pairs; punctuation and kana are everyday text
        if in_gb2312(ch) or cost(ch) < 4.5:
            continue  # characters clean simplified or common traditional text uses
        bits[o >> 3] |= 1 << (o & 7)
        n += 1
    for ch in double:  # second plane: the 128 characters of the double chain (gated as runs of 3)
        o = ord(ch)
        bits[8192 + (o >> 3)] |= 1 << (o & 7)
    with open(os.path.join(HERE, 'moji.bin'), 'wb') as out:
        out.write(bits)
    print(f'unigram {len(uni)} chars, bigram {len(bi)} pairs, moji {n} chars, total {total}')


if __name__ == '__main__':
    main()
