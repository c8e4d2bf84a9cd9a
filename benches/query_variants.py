# Fuzzy and prefix variants of a query set: every word of 4+ characters
# becomes word~1 (fuzzy), or its first 5 characters (2 for Hangul) + * (prefix).
import sys, re
src, kind = sys.argv[1], sys.argv[2]
for line in open(src, encoding='utf-8'):
    line = line.rstrip('\n')
    if not line.strip() or line.startswith('#'):
        print(line); continue
    out = []
    for w in line.split():
        hangul = bool(re.match(r'[\uac00-\ud7a3]', w))
        if kind == 'fuzzy' and len(w) >= (3 if hangul else 4) and w.isalnum():
            w = w + '~1'
        elif kind == 'prefix' and w.isalnum() and len(w) >= (3 if hangul else 6):
            w = w[:2 if hangul else 5] + '*'
        out.append(w)
    print(' '.join(out))
