//! matrix.bin (MeCab 0.996 connector.cpp): `u16 lsize, u16 rsize`, then
//! `i16 cost[lsize * rsize]`, little endian. The cost of connecting a left
//! word with right context id `l` to a right word with left context id `r`
//! is `cost[l + lsize * r]`.

use std::path::Path;

use crate::error::{le_u16, read_all, Error};

/// A decoded connection-cost matrix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matrix {
    /// Number of right context ids of left words.
    pub lsize: u16,
    /// Number of left context ids of right words.
    pub rsize: u16,
    /// `cost(l, r)` at `l + lsize * r`.
    pub costs: Vec<i16>,
}

impl Matrix {
    /// Connection cost from a word with right id `l` to one with left id `r`;
    /// `None` when out of range.
    pub fn cost(&self, l: u16, r: u16) -> Option<i16> {
        if l >= self.lsize || r >= self.rsize {
            return None;
        }
        self.costs
            .get(l as usize + self.lsize as usize * r as usize)
            .copied()
    }

    /// The matrix.bin bytes (the inverse of [`parse_matrix`]).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(4 + 2 * self.costs.len());
        v.extend_from_slice(&self.lsize.to_le_bytes());
        v.extend_from_slice(&self.rsize.to_le_bytes());
        for c in &self.costs {
            v.extend_from_slice(&c.to_le_bytes());
        }
        v
    }
}

/// Reads and validates matrix.bin.
pub fn read_matrix(path: &Path) -> Result<Matrix, Error> {
    parse_matrix(path, &read_all(path)?)
}

/// Decodes matrix.bin held in memory; `file` only names it in errors.
pub fn parse_matrix(file: &Path, data: &[u8]) -> Result<Matrix, Error> {
    if data.len() < 4 {
        return Err(Error::Truncated {
            file: file.into(),
            what: "matrix header",
            need: 4,
            have: data.len() as u64,
        });
    }
    let (lsize, rsize) = (le_u16(data, 0), le_u16(data, 2));
    let need = 4 + 2 * lsize as u64 * rsize as u64;
    let have = data.len() as u64;
    if have < need {
        return Err(Error::Truncated {
            file: file.into(),
            what: "cost table",
            need,
            have,
        });
    }
    if have > need {
        return Err(Error::size(
            file,
            format!("{lsize} x {rsize} matrix needs {need} bytes, file has {have}"),
        ));
    }
    let costs = data[4..]
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect();
    Ok(Matrix {
        lsize,
        rsize,
        costs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("matrix.bin")
    }

    #[test]
    fn decodes_and_round_trips() {
        // 3 x 2: cost(l, r) = 10 * l + r, with a negative and an extreme value
        let mut m = Matrix {
            lsize: 3,
            rsize: 2,
            costs: vec![0; 6],
        };
        for r in 0..2u16 {
            for l in 0..3u16 {
                m.costs[(l + 3 * r) as usize] = 10 * l as i16 + r as i16;
            }
        }
        m.costs[5] = -32768;
        let bytes = m.to_bytes();
        assert_eq!(&bytes[..4], &[3, 0, 2, 0]);
        let back = parse_matrix(p(), &bytes).unwrap();
        assert_eq!(back, m);
        assert_eq!(back.cost(1, 0), Some(10));
        assert_eq!(back.cost(1, 1), Some(11));
        assert_eq!(back.cost(2, 1), Some(-32768));
        assert_eq!(back.cost(3, 0), None);
        assert_eq!(back.cost(0, 2), None);
    }

    #[test]
    fn size_errors() {
        let e = parse_matrix(p(), &[1, 0]).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Truncated {
                    need: 4,
                    have: 2,
                    ..
                }
            ),
            "{e}"
        );
        let e = parse_matrix(p(), &[2, 0, 2, 0, 1, 0, 2, 0, 3, 0]).unwrap_err();
        assert!(
            matches!(
                e,
                Error::Truncated {
                    need: 12,
                    have: 10,
                    ..
                }
            ),
            "{e}"
        );
        assert!(e.to_string().starts_with("matrix.bin: truncated"), "{e}");
        let e = parse_matrix(p(), &[1, 0, 1, 0, 5, 0, 0]).unwrap_err();
        assert!(matches!(e, Error::SizeMismatch { .. }), "{e}");
        // an empty matrix is consistent
        assert_eq!(parse_matrix(p(), &[0, 0, 7, 0]).unwrap().costs, vec![]);
    }
}
