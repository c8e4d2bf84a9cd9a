//! Key enumeration for MeCab's Darts double array (darts.h, MeCab 0.996).
//!
//! Layout: units of `{i32 base, u32 check}`, little endian. The root is unit
//! 0. The child of a node with base `b` for byte `c` sits at `p = b + c + 1`
//! with `check[p] == b`; a key ends at `p = b` (byte "0") with `check[p] == b`
//! and `base[p] < 0`, and its value is `-base[p] - 1`.
//!
//! Darts has no parent pointers and no key list, so instead of a depth-first
//! search over 256 candidate children per node we walk *up* from every
//! terminal: each base value is owned by exactly one node, and a node's
//! `check` is its parent's base. This is a straight port of decompile.py's
//! `darts_keys`, including its validity checks.

use std::collections::HashMap;

/// One key of the double array with its raw value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DartsKey {
    pub key: Vec<u8>,
    pub value: u32,
}

/// Size of one `{base, check}` unit in bytes.
pub const UNIT_SIZE: usize = 8;

/// Returns every key of the array in terminal-unit order, or a description of
/// what is wrong. A trailing partial unit is ignored, as MeCab does.
pub fn darts_keys(da: &[u8]) -> Result<Vec<DartsKey>, String> {
    let n = da.len() / UNIT_SIZE;
    if n == 0 {
        return Err("empty double array".into());
    }
    let base = |p: usize| i32::from_le_bytes(da[p * 8..p * 8 + 4].try_into().unwrap());
    let check = |p: usize| u32::from_le_bytes(da[p * 8 + 4..p * 8 + 8].try_into().unwrap());

    // base value -> position of the node owning it. Bases are almost always
    // below n, so a dense table holds them; the rare others (and negative
    // root bases) go to a map, keeping decompile.py's semantics exactly.
    const NONE: u32 = u32::MAX;
    let mut owner_dense = vec![NONE; n];
    let mut owner_sparse: HashMap<i64, u32> = HashMap::new();
    let mut set_owner = |b: i64, p: usize, dup_check: bool| -> Result<(), String> {
        let slot = if b >= 0 && (b as u64) < n as u64 {
            &mut owner_dense[b as usize]
        } else {
            owner_sparse.entry(b).or_insert(NONE)
        };
        if dup_check && *slot != NONE {
            return Err(format!("duplicate base {b} at units {p} and {}", *slot));
        }
        *slot = p as u32;
        Ok(())
    };

    let mut terminals = Vec::new();
    set_owner(base(0) as i64, 0, false)?;
    for p in 1..n {
        let (b, c) = (base(p), check(p));
        if b == 0 && c == 0 {
            continue; // unused unit
        }
        if b < 0 {
            if c as usize == p {
                terminals.push(p);
            } else {
                return Err(format!("negative base at non-terminal unit {p}"));
            }
        } else {
            set_owner(b as i64, p, true)?;
        }
    }
    let owner = |b: i64| -> Option<u32> {
        let o = if b >= 0 && (b as u64) < n as u64 {
            owner_dense[b as usize]
        } else {
            *owner_sparse.get(&b).unwrap_or(&NONE)
        };
        (o != NONE).then_some(o)
    };

    let root_base = base(0) as i64;
    let mut out = Vec::with_capacity(terminals.len());
    for p in terminals {
        let value = (-(base(p) as i64) - 1) as u32;
        let mut key = Vec::new();
        let mut b = p as i64; // the terminal sits at the base of its node
        while b != root_base {
            // Every step consumes one byte of a key stored in n units, so a
            // longer walk can only be a cycle in a corrupt array.
            if key.len() > n {
                return Err(format!("cycle walking up from terminal unit {p}"));
            }
            let q = owner(b).ok_or_else(|| {
                format!("no node owns base {b} (walking up from terminal unit {p})")
            })?;
            let parent_b = check(q as usize) as i64;
            let ch = q as i64 - parent_b - 1;
            if !(0..=255).contains(&ch) {
                return Err(format!("bad transition at unit {q}"));
            }
            key.push(ch as u8);
            b = parent_b;
        }
        key.reverse();
        out.push(DartsKey { key, value });
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Serialises `{base, check}` pairs the way MeCab stores them.
    pub(crate) fn units_to_bytes(units: &[(i32, u32)]) -> Vec<u8> {
        let mut v = Vec::with_capacity(units.len() * 8);
        for &(b, c) in units {
            v.extend_from_slice(&b.to_le_bytes());
            v.extend_from_slice(&c.to_le_bytes());
        }
        v
    }

    /// A trie node still to place: its unit, the keys below it, its depth.
    type Pending<'a> = (usize, Vec<(&'a [u8], u32)>, usize);

    /// A minimal Darts builder for tests: places each trie node at the
    /// smallest base whose slots (terminator at `b`, children at `b + c + 1`)
    /// are all free and that no other node uses (Darts bases are unique).
    /// Keys must be sorted and distinct.
    pub(crate) fn build(keys: &[(&[u8], u32)]) -> Vec<u8> {
        let mut units: Vec<(i32, u32)> = vec![(0, 0)];
        let mut used = vec![true];
        let mut bases = std::collections::HashSet::new();
        let mut stack: Vec<Pending> = vec![(0, keys.to_vec(), 0)];
        while let Some((pos, ks, depth)) = stack.pop() {
            // slots this node needs: 0 for the terminator, c + 1 for a child.
            let mut slots: Vec<(usize, Option<u32>)> = Vec::new();
            for &(k, v) in &ks {
                let slot = if k.len() == depth {
                    (0, Some(v))
                } else {
                    (k[depth] as usize + 1, None)
                };
                if slots.last().map(|s| s.0) != Some(slot.0) {
                    slots.push(slot);
                }
            }
            let mut b = 1usize;
            while bases.contains(&b)
                || slots
                    .iter()
                    .any(|&(s, _)| used.get(b + s).copied().unwrap_or(false))
            {
                b += 1;
            }
            bases.insert(b);
            units[pos].0 = b as i32;
            for &(s, term) in &slots {
                let p = b + s;
                if p >= units.len() {
                    units.resize(p + 1, (0, 0));
                    used.resize(p + 1, false);
                }
                used[p] = true;
                units[p].1 = b as u32;
                match term {
                    Some(v) => units[p].0 = -(v as i32) - 1,
                    None => {
                        let c = (s - 1) as u8;
                        let sub: Vec<_> = ks
                            .iter()
                            .copied()
                            .filter(|(k, _)| k.len() > depth && k[depth] == c)
                            .collect();
                        stack.push((p, sub, depth + 1));
                    }
                }
            }
        }
        units_to_bytes(&units)
    }

    fn sorted(mut v: Vec<DartsKey>) -> Vec<(Vec<u8>, u32)> {
        v.sort_by(|a, b| a.key.cmp(&b.key));
        v.into_iter().map(|k| (k.key, k.value)).collect()
    }

    #[test]
    fn hand_made_array() {
        // Keys "a" -> 5 and "ab" -> 7, laid out by hand:
        // root (unit 0) base 1; 'a' = 0x61 -> unit 1 + 97 + 1 = 99, base 100;
        // terminator of "a" at unit 100; 'b' = 0x62 -> unit 100 + 98 + 1 = 199,
        // base 200; terminator of "ab" at unit 200.
        let mut units = vec![(0i32, 0u32); 201];
        units[0] = (1, 0);
        units[99] = (100, 1);
        units[100] = (-5 - 1, 100);
        units[199] = (200, 100);
        units[200] = (-7 - 1, 200);
        let keys = darts_keys(&units_to_bytes(&units)).unwrap();
        assert_eq!(sorted(keys), vec![(b"a".to_vec(), 5), (b"ab".to_vec(), 7)]);
    }

    #[test]
    fn built_array_round_trips() {
        let mut keys: Vec<(&[u8], u32)> = vec![
            ("가".as_bytes(), 1 << 8 | 2),
            ("가다".as_bytes(), 3 << 8 | 1),
            (b",", 4 << 8 | 1),
            (b"\"q\"", 5 << 8 | 1),
            (b"x", 6 << 8 | 3),
            (b"\xff", 9 << 8 | 1),
        ];
        keys.sort();
        let da = build(&keys);
        let got = sorted(darts_keys(&da).unwrap());
        let want: Vec<_> = keys.iter().map(|(k, v)| (k.to_vec(), *v)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn corrupt_arrays_are_errors() {
        assert!(darts_keys(&[]).is_err());
        // negative base at a unit whose check is not its own position
        let bad = units_to_bytes(&[(1, 0), (-1, 0), (-3, 7)]);
        assert!(darts_keys(&bad).unwrap_err().contains("negative base"));
        // two nodes claiming the same base
        let dup = units_to_bytes(&[(1, 0), (0, 0), (5, 1), (5, 1)]);
        assert!(darts_keys(&dup).unwrap_err().contains("duplicate base"));
        // terminal whose node nobody owns
        let orphan = units_to_bytes(&[(1, 0), (0, 0), (0, 0), (-1, 3)]);
        assert!(darts_keys(&orphan).unwrap_err().contains("no node owns"));
        // two nodes pointing at each other's bases: a cycle, not a hang
        let z = (0, 0);
        let cyc = units_to_bytes(&[(1, 0), z, (-1, 2), z, z, (2, 3), (3, 2)]);
        let e = darts_keys(&cyc).unwrap_err();
        assert!(e.contains("cycle"), "{e}");
        // a child too far from its parent's base to be one byte away
        let far = units_to_bytes(&[(1, 0), z, (-1, 2), z, z, z, (2, 1)]);
        assert!(darts_keys(&far).is_ok());
        let mut far = vec![z; 300];
        far[0] = (1, 0);
        far[2] = (-1, 2);
        far[299] = (2, 1);
        let e = darts_keys(&units_to_bytes(&far)).unwrap_err();
        assert!(e.contains("bad transition"), "{e}");
    }
}
