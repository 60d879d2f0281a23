//! Optimal one-to-one assignment (Hungarian / Kuhn-Munkres with potentials, O(n^2 m)) on a
//! rectangular cost matrix.

/// A dense row-major matrix of finite costs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CostMatrix {
    rows: usize,
    cols: usize,
    costs: Vec<f64>,
}

impl CostMatrix {
    /// Builds a `rows x cols` matrix from `cost(row, col)`; non-finite costs become
    /// [`UNUSABLE_COST`] so that the solver never compares NaNs.
    pub(crate) fn from_fn(rows: usize, cols: usize, cost: impl Fn(usize, usize) -> f64) -> Self {
        let mut costs = Vec::with_capacity(rows * cols);
        for row in 0..rows {
            for col in 0..cols {
                let value = cost(row, col);
                costs.push(if value.is_finite() {
                    value
                } else {
                    UNUSABLE_COST
                });
            }
        }
        Self { rows, cols, costs }
    }

    /// Cost of assigning `row` to `col`.
    fn at(&self, row: usize, col: usize) -> f64 {
        self.costs[row * self.cols + col]
    }

    /// The same costs with rows and columns swapped.
    fn transposed(&self) -> Self {
        Self::from_fn(self.cols, self.rows, |row, col| self.at(col, row))
    }
}

/// Stand-in for a non-finite cost: far above any real cost, yet far from overflowing.
const UNUSABLE_COST: f64 = 1.0e12;

/// For every row, the column it is assigned to, such that the summed cost of the assignment is
/// minimal and `min(rows, cols)` pairs are made. Rows left without a column (when there are more
/// rows than columns) get `None`.
pub(crate) fn minimum_cost_assignment(matrix: &CostMatrix) -> Vec<Option<usize>> {
    if matrix.rows == 0 || matrix.cols == 0 {
        return vec![None; matrix.rows];
    }
    if matrix.rows <= matrix.cols {
        return assign_rows(matrix);
    }
    // Solve with columns as rows, then invert the mapping.
    let by_column = assign_rows(&matrix.transposed());
    let mut by_row = vec![None; matrix.rows];
    for (col, row) in by_column.into_iter().enumerate() {
        if let Some(row) = row {
            by_row[row] = Some(col);
        }
    }
    by_row
}

/// Kuhn-Munkres for `rows <= cols`: every row gets a distinct column.
///
/// Uses 1-based shortest augmenting paths with row potentials `u` and column potentials `v`;
/// index 0 is a virtual column that holds the row being inserted.
fn assign_rows(matrix: &CostMatrix) -> Vec<Option<usize>> {
    let (rows, cols) = (matrix.rows, matrix.cols);
    let mut row_potential = vec![0.0_f64; rows + 1];
    let mut col_potential = vec![0.0_f64; cols + 1];
    // row_of_col[j] = 1-based row matched to column j (0 = free).
    let mut row_of_col = vec![0_usize; cols + 1];
    let mut previous_col = vec![0_usize; cols + 1];
    for row in 1..=rows {
        row_of_col[0] = row;
        let mut current_col = 0_usize;
        let mut min_slack = vec![f64::INFINITY; cols + 1];
        let mut visited = vec![false; cols + 1];
        loop {
            visited[current_col] = true;
            let current_row = row_of_col[current_col];
            let mut delta = f64::INFINITY;
            let mut next_col = 0_usize;
            for col in 1..=cols {
                if visited[col] {
                    continue;
                }
                let slack = matrix.at(current_row - 1, col - 1)
                    - row_potential[current_row]
                    - col_potential[col];
                if slack < min_slack[col] {
                    min_slack[col] = slack;
                    previous_col[col] = current_col;
                }
                if min_slack[col] < delta {
                    delta = min_slack[col];
                    next_col = col;
                }
            }
            for col in 0..=cols {
                if visited[col] {
                    row_potential[row_of_col[col]] += delta;
                    col_potential[col] -= delta;
                } else {
                    min_slack[col] -= delta;
                }
            }
            current_col = next_col;
            if row_of_col[current_col] == 0 {
                break;
            }
        }
        // Flip the augmenting path back to the virtual column.
        while current_col != 0 {
            let previous = previous_col[current_col];
            row_of_col[current_col] = row_of_col[previous];
            current_col = previous;
        }
    }
    let mut col_of_row = vec![None; rows];
    for (col, &row) in row_of_col.iter().enumerate().skip(1) {
        if row != 0 {
            col_of_row[row - 1] = Some(col - 1);
        }
    }
    col_of_row
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn matrix(rows: &[&[f64]]) -> CostMatrix {
        CostMatrix::from_fn(rows.len(), rows.first().map_or(0, |r| r.len()), |r, c| {
            rows[r][c]
        })
    }

    fn total_cost(matrix: &CostMatrix, assignment: &[Option<usize>]) -> f64 {
        assignment
            .iter()
            .enumerate()
            .filter_map(|(row, col)| col.map(|col| matrix.at(row, col)))
            .sum()
    }

    /// Greedy baseline: repeatedly take the cheapest remaining pair.
    fn greedy_assignment(matrix: &CostMatrix) -> Vec<Option<usize>> {
        let mut pairs: Vec<(usize, usize)> = (0..matrix.rows)
            .flat_map(|r| (0..matrix.cols).map(move |c| (r, c)))
            .collect();
        pairs.sort_by(|a, b| matrix.at(a.0, a.1).total_cmp(&matrix.at(b.0, b.1)));
        let mut result = vec![None; matrix.rows];
        let mut used_cols = vec![false; matrix.cols];
        for (r, c) in pairs {
            if result[r].is_none() && !used_cols[c] {
                result[r] = Some(c);
                used_cols[c] = true;
            }
        }
        result
    }

    /// Minimum over all injective row -> column maps of size min(rows, cols).
    fn brute_force_minimum(matrix: &CostMatrix) -> f64 {
        fn search(m: &CostMatrix, row: usize, used: &mut Vec<bool>, skips: usize) -> f64 {
            if row == m.rows {
                return 0.0;
            }
            let mut best = f64::INFINITY;
            for col in 0..m.cols {
                if !used[col] {
                    used[col] = true;
                    best = best.min(m.at(row, col) + search(m, row + 1, used, skips));
                    used[col] = false;
                }
            }
            if skips > 0 {
                best = best.min(search(m, row + 1, used, skips - 1));
            }
            best
        }
        let skips = matrix.rows.saturating_sub(matrix.cols);
        search(matrix, 0, &mut vec![false; matrix.cols], skips)
    }

    #[test]
    fn optimal_assignment_beats_greedy_on_a_constructed_case() {
        // Greedy takes the single cheapest pair (0,0) = 1 and is then forced into (1,1) = 10:
        // total 11. The optimum crosses over: (0,1) + (1,0) = 2 + 3 = 5.
        let costs = matrix(&[&[1.0, 2.0], &[3.0, 10.0]]);
        let greedy = greedy_assignment(&costs);
        assert_eq!(greedy, vec![Some(0), Some(1)]);
        assert_eq!(total_cost(&costs, &greedy), 11.0);
        let optimal = minimum_cost_assignment(&costs);
        assert_eq!(optimal, vec![Some(1), Some(0)]);
        assert_eq!(total_cost(&costs, &optimal), 5.0);
    }

    #[test]
    fn classic_three_by_three_example() {
        let costs = matrix(&[&[4.0, 1.0, 3.0], &[2.0, 0.0, 5.0], &[3.0, 2.0, 2.0]]);
        assert_eq!(
            minimum_cost_assignment(&costs),
            vec![Some(1), Some(0), Some(2)]
        );
    }

    #[test]
    fn more_rows_than_columns_leaves_the_most_expensive_row_out() {
        let costs = matrix(&[&[5.0], &[1.0], &[3.0]]);
        assert_eq!(minimum_cost_assignment(&costs), vec![None, Some(0), None]);
    }

    #[test]
    fn more_columns_than_rows_and_empty_matrices() {
        let costs = matrix(&[&[7.0, 2.0, 9.0]]);
        assert_eq!(minimum_cost_assignment(&costs), vec![Some(1)]);
        assert_eq!(
            minimum_cost_assignment(&CostMatrix::from_fn(2, 0, |_, _| 0.0)),
            vec![None, None]
        );
        assert!(minimum_cost_assignment(&CostMatrix::from_fn(0, 3, |_, _| 0.0)).is_empty());
    }

    #[test]
    fn non_finite_costs_are_avoided_not_propagated() {
        let costs = CostMatrix::from_fn(2, 2, |r, c| if r == c { f64::NAN } else { 1.0 });
        assert_eq!(minimum_cost_assignment(&costs), vec![Some(1), Some(0)]);
    }

    proptest! {
        #[test]
        fn matches_brute_force_on_small_matrices(
            rows in 0_usize..5,
            cols in 0_usize..5,
            seed in proptest::collection::vec(0_u8..20, 25),
        ) {
            let costs = CostMatrix::from_fn(rows, cols, |r, c| f64::from(seed[r * 5 + c]));
            let assignment = minimum_cost_assignment(&costs);
            prop_assert_eq!(assignment.len(), rows);
            let mut used = vec![false; cols];
            for col in assignment.iter().flatten() {
                prop_assert!(!used[*col], "column {} used twice", col);
                used[*col] = true;
            }
            prop_assert_eq!(assignment.iter().flatten().count(), rows.min(cols));
            prop_assert_eq!(total_cost(&costs, &assignment), brute_force_minimum(&costs));
        }
    }
}
