//! A small seeded PRNG (xoshiro256**, seeded with splitmix64) and the few
//! distributions the generator needs, using only integer arithmetic and the
//! IEEE-exact float operations (`+ - * / sqrt`), so every platform and every
//! thread count draws the same numbers.

use neardup::minhash::mix64;

/// Derives an independent seed from a seed and two indices.
#[inline]
pub(crate) fn derive(seed: u64, a: u64, b: u64) -> u64 {
    mix64(
        seed ^ mix64(
            a.wrapping_add(0x9E37_79B9_7F4A_7C15) ^ mix64(b.wrapping_add(0x632B_E59B_D9B4_E019)),
        ),
    )
}

/// xoshiro256** seeded through splitmix64.
#[derive(Clone, Debug)]
pub(crate) struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator from a 64-bit seed.
    pub(crate) fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut s = [0u64; 4];
        for v in &mut s {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            *v = mix64(x);
        }
        if s == [0; 4] {
            s[0] = 1;
        }
        Rng { s }
    }

    /// The next 64 random bits.
    #[inline]
    pub(crate) fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift (bias below 2^-32 for
    /// the sizes used here).
    #[inline]
    pub(crate) fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() as u128 * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    #[inline]
    pub(crate) fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    #[inline]
    pub(crate) fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    #[inline]
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// A uniformly chosen element of a non-empty slice.
    #[inline]
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// An approximately standard normal value (Irwin–Hall sum of 12
    /// uniforms; tails end at ±6).
    pub(crate) fn normal(&mut self) -> f64 {
        let mut s = 0.0;
        for _ in 0..12 {
            s += self.f64();
        }
        s - 6.0
    }

    /// Fisher–Yates shuffle.
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// `e^x` for `|x| < 700`, from `+ - * /` only, so it is bit-identical on
/// every platform (unlike `f64::exp`, which calls the platform's libm).
pub(crate) fn exp_det(x: f64) -> f64 {
    const LN2: f64 = std::f64::consts::LN_2;
    // x = n ln2 + r, |r| <= ln2 / 2.
    let n = if x >= 0.0 {
        (x / LN2 + 0.5) as i64
    } else {
        (x / LN2 - 0.5) as i64
    };
    let r = x - n as f64 * LN2;
    // Taylor series of e^r, |r| <= 0.35: 0.35^16 / 16! is below 1e-20.
    let mut term = 1.0;
    let mut sum = 1.0;
    for i in 1..16 {
        term = term * r / i as f64;
        sum += term;
    }
    let mut scale = 1.0;
    let base = if n >= 0 { 2.0 } else { 0.5 };
    for _ in 0..n.unsigned_abs() {
        scale *= base;
    }
    sum * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_sequence_and_ranges() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let xs: Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        let ys: Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
        assert_eq!(xs, ys);
        assert_ne!(Rng::new(8).next_u64(), xs[0]);
        for _ in 0..1000 {
            let v = a.range(3, 9);
            assert!((3..=9).contains(&v));
            let f = a.f64();
            assert!((0.0..1.0).contains(&f));
        }
    }

    #[test]
    fn exp_matches_std() {
        for &x in &[-5.0, -1.0, -0.1, 0.0, 0.3, 1.0, 2.5, 7.7, 9.9] {
            let (a, b) = (exp_det(x), f64::exp(x));
            assert!((a - b).abs() <= b * 1e-14, "{x}: {a} vs {b}");
        }
    }
}
