#!/usr/bin/env python3
# Compile time per method and deoptimizations from a JFR recording made with bench/e2e/compilations.jfc:
#   JWG_JVM_OPTS="-XX:StartFlightRecording=filename=/tmp/c%p.jfr,settings=bench/e2e/compilations.jfc" bench/e2e/fresh-seconds.sh bin/jwg 8
#   jfr print --json --events jdk.Compilation,jdk.Deoptimization /tmp/cPID.jfr | python3 bench/e2e/compilations.py
import json,sys,collections
d=json.load(sys.stdin)
ev=d['recording']['events']
comp=[e for e in ev if e['type']=='jdk.Compilation']
deo=[e for e in ev if e['type']=='jdk.Deoptimization']
def dur(e):
    s=e['values']['duration']; # ISO PT..S
    return float(s[2:-1]) if s.endswith('S') else 0
tot=collections.Counter(); cnt=collections.Counter(); lvl=collections.Counter()
for e in comp:
    v=e['values']; m=v['method']; name=m['type']['name']+'.'+m['name']
    tot[name]+=dur(e); cnt[name]+=1; lvl[v['compileLevel']]+=dur(e)
print('compilations',len(comp),'total s %.2f'%sum(tot.values()),'by level',{k:round(x,2) for k,x in lvl.items()})
for n,t in tot.most_common(25): print('%6.0f ms %3d  %s'%(t*1000,cnt[n],n))
dc=collections.Counter()
for e in deo:
    v=e['values']; m=v['method']; dc[(m['type']['name']+'.'+m['name'],v.get('reason'))]+=1
print('deopts',len(deo))
for k,c in dc.most_common(15): print(c,k)
# C2 time beyond one compile per method, and C2 seconds per wall-clock second
by=collections.defaultdict(list)
for e in comp:
    v=e['values']
    if v['compileLevel']!=4: continue
    m=v['method']; by[m['type']['name']+'.'+m['name']].append((v['startTime'][11:19],dur(e)))
rep=sum(sum(x[1] for x in l)-max(x[1] for x in l) for l in by.values())
print('C2 beyond one compile per method %.2f s'%rep)
sec=collections.Counter()
for l in by.values():
    for t,du in l: sec[t]+=du
print('C2 s per second:',' '.join('%s:%.2f'%(k[6:],v) for k,v in sorted(sec.items())))
