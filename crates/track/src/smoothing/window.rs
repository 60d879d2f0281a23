//! A bounded sliding window over the latest observations of one track.

use std::collections::VecDeque;

/// The latest `capacity` values pushed, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SlidingWindow<T> {
    capacity: usize,
    values: VecDeque<T>,
}

impl<T> SlidingWindow<T> {
    /// An empty window that keeps at most `capacity` values (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            values: VecDeque::new(),
        }
    }

    /// Appends `value`, evicting the oldest value when the window is full.
    pub(crate) fn push(&mut self, value: T) {
        if self.values.len() == self.capacity {
            self.values.pop_front();
        }
        self.values.push_back(value);
    }

    /// The values held, oldest first.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.values.iter()
    }

    /// Number of values held.
    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_latest_values() {
        let mut window = SlidingWindow::new(3);
        for value in 1..=5 {
            window.push(value);
        }
        assert_eq!(window.iter().copied().collect::<Vec<_>>(), vec![3, 4, 5]);
        assert_eq!(window.len(), 3);
    }

    #[test]
    fn zero_capacity_behaves_like_one() {
        let mut window = SlidingWindow::new(0);
        window.push(1);
        window.push(2);
        assert_eq!(window.iter().copied().collect::<Vec<_>>(), vec![2]);
    }
}
