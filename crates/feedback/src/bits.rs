//! Sets of small integers as bits: which scheme terms each sentence holds, and which sentences
//! hold each term.

/// A matrix of bits: `rows` rows of `columns` bits each.
#[derive(Debug, Clone)]
pub(crate) struct BitMatrix {
    columns: usize,
    /// `u64` words per row.
    stride: usize,
    bits: Vec<u64>,
}

impl BitMatrix {
    pub(crate) fn new(rows: usize, columns: usize) -> BitMatrix {
        let stride = columns.div_ceil(64).max(1);
        BitMatrix {
            columns,
            stride,
            bits: vec![0; stride * rows],
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.bits.len() / self.stride
    }

    pub(crate) fn insert(&mut self, row: usize, column: usize) {
        self.bits[row * self.stride + (column >> 6)] |= 1 << (column & 63);
    }

    pub(crate) fn contains(&self, row: usize, column: usize) -> bool {
        contains(self.row(row), column)
    }

    /// A row's bits, `u64` words of which bit `c % 64` of word `c / 64` is column `c`.
    pub(crate) fn row(&self, row: usize) -> &[u64] {
        &self.bits[row * self.stride..(row + 1) * self.stride]
    }

    /// Whether any bit of a row is set.
    pub(crate) fn any(&self, row: usize) -> bool {
        self.row(row).iter().any(|&w| w != 0)
    }

    /// The matrix with rows and columns swapped.
    pub(crate) fn transpose(&self) -> BitMatrix {
        let mut t = BitMatrix::new(self.columns, self.rows());
        for r in 0..self.rows() {
            for c in ones(self.row(r)) {
                t.insert(c, r);
            }
        }
        t
    }
}

/// Sets bit `i` of a row of bits, lengthening it as needed.
pub(crate) fn insert(row: &mut Vec<u64>, i: usize) {
    if row.len() <= i >> 6 {
        row.resize((i >> 6) + 1, 0);
    }
    row[i >> 6] |= 1 << (i & 63);
}

/// Whether bit `i` of a row of bits is set.
pub(crate) fn contains(row: &[u64], i: usize) -> bool {
    row.get(i >> 6).is_some_and(|w| w >> (i & 63) & 1 == 1)
}

/// The set bits of a row of bits, in ascending order.
pub(crate) fn ones(row: &[u64]) -> impl Iterator<Item = usize> + '_ {
    row.iter().enumerate().flat_map(|(i, &word)| {
        let mut rest = word;
        std::iter::from_fn(move || {
            (rest != 0).then(|| {
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                i * 64 + bit
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_transpose_and_ones() {
        let mut m = BitMatrix::new(3, 130);
        m.insert(0, 0);
        m.insert(0, 129);
        m.insert(2, 64);
        assert!(m.contains(0, 129) && !m.contains(1, 129) && m.contains(2, 64));
        assert!(m.any(0) && !m.any(1));
        assert_eq!(ones(m.row(0)).collect::<Vec<_>>(), [0, 129]);
        let t = m.transpose();
        assert_eq!(t.rows(), 130);
        assert!(t.contains(129, 0) && t.contains(64, 2) && !t.contains(64, 0));
        assert!(!contains(m.row(0), 1000));
        let mut row = Vec::new();
        insert(&mut row, 130);
        insert(&mut row, 3);
        assert_eq!(ones(&row).collect::<Vec<_>>(), [3, 130]);
    }
}
