using System;

namespace Corgi.Verification;

/// <summary>
/// Checks reverse-mode derivatives against central finite differences: the gradient of a scalar function,
/// the Jacobian of a tensor-valued function, and Hessian-vector products (gradient of the gradient).
/// </summary>
/// <remarks>
/// <para>The checker never touches the caller's tensors: it differentiates fresh tracked leaves that share
/// their (immutable) values, and perturbs copies. The function is called once with tracked inputs for the
/// analytic derivative, then twice per input element inside <see cref="Tensor.NoGrad"/> for the numeric
/// one, so keep the inputs small (tens to a few hundred elements).</para>
/// <para>float32 inputs: the analytic derivatives are computed in float32 and compared with central
/// differences of the float64 twin of the computation: the function is evaluated at the inputs widened to
/// float64 (exactly) inside <c>Tensor.DefaultDTypeScope(DType.Float64)</c>, so a function that takes its
/// dtype from its arguments (and its constants from the default) runs in float64 there. A check with any
/// float32 input uses the float32 tolerances (<see cref="GradientCheckOptions.ForDType(DType)"/>) and
/// reports <see cref="GradientCheckReport.DType"/> float32.</para>
/// <para>Step size and tolerances are explained on <see cref="GradientCheckOptions"/>. Use it in tests with
/// <c>Assert.True(report.Passed, report.Summary)</c>, or from F# with <c>Corgi.FSharp.Check</c>.</para>
/// <example>
/// <code>
/// var a = Tensor.RandomNormal(new[] { 2, 3 }, seed: 1);
/// var b = Tensor.RandomNormal(new[] { 1, 3 }, seed: 2);
/// var report = GradientChecker.Check(x =&gt; (x[0] * x[1]).Tanh().Sum(), new[] { a, b });
/// Console.WriteLine(report); // gradient check passed: 0 of 9 elements outside tolerance; ...
/// </code>
/// </example>
/// </remarks>
public static class GradientChecker
{
    /// <summary>
    /// Compares the gradient of a scalar-valued <paramref name="function"/> of several tensors with central
    /// finite differences at <paramref name="inputs"/>.
    /// </summary>
    /// <param name="function">The function; it must return a one-element tensor and use only its arguments' values.</param>
    /// <param name="inputs">The point at which to differentiate; every input is checked.</param>
    /// <param name="options">Step size and tolerances; null uses <see cref="GradientCheckOptions.Default"/>.</param>
    /// <returns>The comparison, with <see cref="GradientCheckReport.Passed"/> and the worst element.</returns>
    /// <exception cref="ArgumentException">The function does not return a one-element tensor.</exception>
    /// <exception cref="InvalidOperationException">Called inside <see cref="Tensor.NoGrad"/>, where nothing can be differentiated.</exception>
    /// <example>
    /// <code>
    /// var r = GradientChecker.Check(x =&gt; x[0].MatMul(x[1]).Sum(), new[] { Tensor.Ones(2, 3), Tensor.Ones(3, 4) });
    /// // r.Passed == true; r.MaxAbsoluteError is about 1e-10
    /// </code>
    /// </example>
    public static GradientCheckReport Check(Func<Tensor[], Tensor> function, Tensor[] inputs, GradientCheckOptions? options = null)
    {
        var (f, xs, opts) = Prepare("gradient check", function, inputs, options);
        var dtype = CheckedDType(xs);
        var analytic = AnalyticGradient(f, xs, out double value);
        var twin = Float64Twin(xs);
        var numeric = new double[xs.Length][];
        double h = opts.StepSize, scale = Math.Abs(value);
        using (Tensor.NoGrad())
        using (Tensor.DefaultDTypeScope(DType.Float64))
        {
            for (int i = 0; i < xs.Length; i++)
            {
                numeric[i] = new double[xs[i].Count];
                for (int k = 0; k < xs[i].Count; k++)
                {
                    var (plus, minus, step) = Perturbed(f, twin, i, k, h);
                    double fp = ScalarValue(plus), fm = ScalarValue(minus);
                    numeric[i][k] = (fp - fm) / (2 * step);
                    scale = Math.Max(scale, Math.Max(Math.Abs(fp), Math.Abs(fm)));
                }
            }
        }
        return Compare(GradientCheckKind.Gradient, opts, dtype, xs, analytic, numeric, null, scale);
    }

    /// <summary>Compares the gradient of a scalar-valued function of one tensor with central finite differences.</summary>
    /// <param name="function">The function; it must return a one-element tensor.</param>
    /// <param name="input">The point at which to differentiate.</param>
    /// <param name="options">Step size and tolerances; null uses the defaults.</param>
    /// <example><c>GradientChecker.Check(x =&gt; x.Pow(3).Sum(), Tensor.Of(0.5, 1, 2)).Passed</c> is true.</example>
    public static GradientCheckReport Check(Func<Tensor, Tensor> function, Tensor input, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(input);
        return Check(x => function(x[0]), new[] { input }, options);
    }

    /// <summary>
    /// Compares the whole Jacobian of a tensor-valued <paramref name="function"/> with central finite
    /// differences: one backward pass per output element (seeded with its one-hot vector) against one
    /// pair of perturbed evaluations per input element.
    /// </summary>
    /// <param name="function">The function, of any output shape.</param>
    /// <param name="inputs">The point at which to differentiate.</param>
    /// <param name="options">Step size and tolerances; null uses the defaults.</param>
    /// <returns>The comparison; <see cref="GradientCheckReport.WorstOutput"/> names the output element of the worst derivative,
    /// and the derivative tensors have shape output shape ++ input shape.</returns>
    /// <exception cref="InvalidOperationException">Called inside <see cref="Tensor.NoGrad"/>.</exception>
    /// <example>
    /// <code>
    /// var r = GradientChecker.CheckJacobian(x =&gt; x[0].Softmax(), new[] { Tensor.Of(1, 2, 3) });
    /// // r.AnalyticDerivatives[0] is the 3 x 3 matrix diag(y) - y yᵀ
    /// </code>
    /// </example>
    public static GradientCheckReport CheckJacobian(Func<Tensor[], Tensor> function, Tensor[] inputs, GradientCheckOptions? options = null)
    {
        var (f, xs, opts) = Prepare("jacobian check", function, inputs, options);
        var dtype = CheckedDType(xs);
        var leaves = TrackedLeaves(xs);
        var y = f(leaves);
        int m = y.Count;
        var outShape = y.Shape;
        double scale = MaxAbs(y);
        var analytic = new double[xs.Length][];
        for (int i = 0; i < xs.Length; i++) analytic[i] = new double[m * xs[i].Count];
        if (y.IsTracked)
        {
            for (int j = 0; j < m; j++)
            {
                var seed = new double[m];
                seed[j] = 1;
                foreach (var l in leaves) l.ClearGradient();
                y.Backward(Tensor.FromArray(y.Shape, seed, y.DType));
                for (int i = 0; i < xs.Length; i++)
                    leaves[i].Gradient?.ToArray().CopyTo(analytic[i].AsSpan(j * xs[i].Count, xs[i].Count));
            }
        }
        var twin = Float64Twin(xs);
        var numeric = new double[xs.Length][];
        double h = opts.StepSize;
        using (Tensor.NoGrad())
        using (Tensor.DefaultDTypeScope(DType.Float64))
        {
            for (int i = 0; i < xs.Length; i++)
            {
                int n = xs[i].Count;
                numeric[i] = new double[m * n];
                for (int k = 0; k < n; k++)
                {
                    var (plus, minus, step) = Perturbed(f, twin, i, k, h);
                    if (plus.Count != m || minus.Count != m)
                        throw new ArgumentException($"jacobian check: the function returned {plus.Count} and {minus.Count} elements for perturbed inputs but {m} at the point itself", nameof(function));
                    for (int j = 0; j < m; j++)
                        numeric[i][j * n + k] = (plus.GetFlat(j) - minus.GetFlat(j)) / (2 * step);
                    scale = Math.Max(scale, Math.Max(MaxAbs(plus), MaxAbs(minus)));
                }
            }
        }
        return Compare(GradientCheckKind.Jacobian, opts, dtype, xs, analytic, numeric, outShape, scale);
    }

    /// <summary>Compares the Jacobian of a tensor-valued function of one tensor with central finite differences.</summary>
    /// <param name="function">The function, of any output shape.</param>
    /// <param name="input">The point at which to differentiate.</param>
    /// <param name="options">Step size and tolerances; null uses the defaults.</param>
    public static GradientCheckReport CheckJacobian(Func<Tensor, Tensor> function, Tensor input, GradientCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(input);
        return CheckJacobian(x => function(x[0]), new[] { input }, options);
    }

    /// <summary>
    /// Checks second derivatives: the Hessian-vector product H·v, obtained by differentiating the gradient
    /// (a backward pass with <c>createGraph: true</c>, then a backward pass of Σ gradient·v), against the
    /// central difference (∇f(x + h v) - ∇f(x - h v)) / 2h of first-order gradients.
    /// </summary>
    /// <param name="function">A scalar-valued function whose local derivatives are differentiable.</param>
    /// <param name="inputs">The point at which to differentiate.</param>
    /// <param name="options">Step size and tolerances (the floor scales with the largest gradient); null uses the defaults.</param>
    /// <param name="directions">The direction v, one tensor per input of its shape; null draws one uniformly from [-1, 1]
    /// with <see cref="GradientCheckOptions.Seed"/>.</param>
    /// <returns>The comparison of H·v, element by element of every input.</returns>
    /// <exception cref="ArgumentException">The function is not scalar, or a direction has the wrong shape.</exception>
    /// <exception cref="InvalidOperationException">Called inside <see cref="Tensor.NoGrad"/>.</exception>
    /// <example>
    /// <code>
    /// // f = sum(x^3): H = diag(6x), so H·v = 6 x v
    /// var r = GradientChecker.CheckSecondOrder(x =&gt; x[0].Pow(3).Sum(), new[] { Tensor.Of(1, 2) },
    ///     directions: new[] { Tensor.Of(1, 1) });
    /// // r.AnalyticDerivatives[0] = [6, 12]
    /// </code>
    /// </example>
    public static GradientCheckReport CheckSecondOrder(Func<Tensor[], Tensor> function, Tensor[] inputs, GradientCheckOptions? options = null, Tensor[]? directions = null)
    {
        var (f, xs, opts) = Prepare("second-order check", function, inputs, options);
        var dtype = CheckedDType(xs);
        var v = new Tensor[xs.Length];
        if (directions is not null)
        {
            if (directions.Length != xs.Length)
                throw new ArgumentException($"second-order check: {directions.Length} directions given for {xs.Length} inputs", nameof(directions));
            for (int i = 0; i < xs.Length; i++)
            {
                ArgumentNullException.ThrowIfNull(directions[i], nameof(directions));
                if (!ShapeUtil.SameShape(directions[i].ShapeRef, xs[i].ShapeRef))
                    throw new TensorShapeException($"second-order check: direction {i} has shape {ShapeUtil.Format(directions[i].ShapeRef)} but input {i} has shape {ShapeUtil.Format(xs[i].ShapeRef)}");
                // in the input's dtype, so that gradient · v does not widen the float32 graph
                v[i] = directions[i].Detach().To(xs[i].DType).Detach();
            }
        }
        else
        {
            var random = new Random(opts.Seed);
            for (int i = 0; i < xs.Length; i++) v[i] = Tensor.RandomUniform(xs[i].Shape, random, -1, 1).To(xs[i].DType).Detach();
        }

        // analytic H·v: differentiate s = Σ_i sum(∇_i f · v_i) once more
        var leaves = TrackedLeaves(xs);
        var y = f(leaves);
        RequireScalar("second-order check", y);
        var analytic = new double[xs.Length][];
        for (int i = 0; i < xs.Length; i++) analytic[i] = new double[xs[i].Count];
        double scale = 0;
        if (y.IsTracked)
        {
            y.Backward(createGraph: true);
            Tensor? s = null;
            for (int i = 0; i < xs.Length; i++)
            {
                var g = leaves[i].TakeGradient();
                if (g is null) continue;
                scale = Math.Max(scale, MaxAbs(g));
                var term = g.Mul(v[i]).Sum();
                s = s is null ? term : s.Add(term);
            }
            if (s is not null && s.IsTracked)
            {
                s.Backward();
                for (int i = 0; i < xs.Length; i++)
                    leaves[i].Gradient?.ToArray().CopyTo(analytic[i], 0);
            }
        }

        // numeric H·v: central difference of first-order gradients along v, of the float64 twin
        double h = opts.StepSize;
        var plus = new Tensor[xs.Length];
        var minus = new Tensor[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            var p = new double[xs[i].Count];
            var q = new double[xs[i].Count];
            for (int k = 0; k < p.Length; k++)
            {
                p[k] = xs[i].ValueAt(k) + h * v[i].ValueAt(k);
                q[k] = xs[i].ValueAt(k) - h * v[i].ValueAt(k);
            }
            plus[i] = new Tensor(p, xs[i].ShapeRef);
            minus[i] = new Tensor(q, xs[i].ShapeRef);
        }
        double[][] gp, gm;
        using (Tensor.DefaultDTypeScope(DType.Float64))
        {
            gp = AnalyticGradient(f, plus, out _);
            gm = AnalyticGradient(f, minus, out _);
        }
        var numeric = new double[xs.Length][];
        for (int i = 0; i < xs.Length; i++)
        {
            numeric[i] = new double[xs[i].Count];
            for (int k = 0; k < numeric[i].Length; k++)
            {
                numeric[i][k] = (gp[i][k] - gm[i][k]) / (2 * h);
                scale = Math.Max(scale, Math.Max(Math.Abs(gp[i][k]), Math.Abs(gm[i][k])));
            }
        }
        return Compare(GradientCheckKind.SecondOrder, opts, dtype, xs, analytic, numeric, null, scale);
    }

    /// <summary>Checks the Hessian-vector product of a scalar-valued function of one tensor (see the overload for several).</summary>
    /// <param name="function">A scalar-valued function whose local derivatives are differentiable.</param>
    /// <param name="input">The point at which to differentiate.</param>
    /// <param name="options">Step size and tolerances; null uses the defaults.</param>
    /// <param name="direction">The direction v of the input's shape; null draws a random one.</param>
    public static GradientCheckReport CheckSecondOrder(Func<Tensor, Tensor> function, Tensor input, GradientCheckOptions? options = null, Tensor? direction = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(input);
        return CheckSecondOrder(x => function(x[0]), new[] { input }, options, direction is null ? null : new[] { direction });
    }

    // ------------------------------------------------------------------ helpers

    private static (Func<Tensor[], Tensor> F, Tensor[] Inputs, GradientCheckOptions Options) Prepare(
        string what, Func<Tensor[], Tensor> function, Tensor[] inputs, GradientCheckOptions? options)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var opts = options ?? GradientCheckOptions.Default;
        opts.Validate();
        if (!Tensor.IsGradEnabled)
            throw new InvalidOperationException($"{what}: gradient recording is disabled here (inside Tensor.NoGrad()), so nothing can be differentiated");
        var xs = new Tensor[inputs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(inputs[i], nameof(inputs));
            xs[i] = inputs[i].Detach();
        }
        Tensor F(Tensor[] args) =>
            function(args) ?? throw new ArgumentException($"{what}: the function returned null", nameof(function));
        return (F, xs, opts);
    }

    /// <summary>float32 when any input is float32 (its gradient is then only as good as float32 arithmetic), else float64.</summary>
    private static DType CheckedDType(Tensor[] xs)
    {
        foreach (var x in xs)
            if (x.DType == DType.Float32) return DType.Float32;
        return DType.Float64;
    }

    /// <summary>
    /// The inputs in float64 (exact: every float32 is a double), where the finite differences are taken:
    /// the float64 twin of a float32 computation. float64 inputs are returned as they are.
    /// </summary>
    private static Tensor[] Float64Twin(Tensor[] xs)
    {
        var twin = new Tensor[xs.Length];
        using (Tensor.NoGrad())
            for (int i = 0; i < xs.Length; i++) twin[i] = xs[i].DType == DType.Float64 ? xs[i] : xs[i].To(DType.Float64).Detach();
        return twin;
    }

    /// <summary>Fresh tracked leaves sharing the values, so no gradient lands on the caller's tensors.</summary>
    private static Tensor[] TrackedLeaves(Tensor[] xs)
    {
        var leaves = new Tensor[xs.Length];
        for (int i = 0; i < xs.Length; i++) leaves[i] = new Tensor(xs[i].Data, xs[i].ShapeRef, null, tracked: true);
        return leaves;
    }

    private static void RequireScalar(string what, Tensor y)
    {
        if (y.Count != 1)
            throw new ArgumentException($"{what}: the function must return a one-element tensor, but returned shape {ShapeUtil.Format(y.ShapeRef)}; use CheckJacobian for tensor-valued functions", "function");
    }

    private static double ScalarValue(Tensor y)
    {
        RequireScalar("gradient check", y);
        return y.GetFlat(0);
    }

    /// <summary>The gradient of a scalar function at xs by one backward pass (zeros where no gradient arrives).</summary>
    private static double[][] AnalyticGradient(Func<Tensor[], Tensor> f, Tensor[] xs, out double value)
    {
        var leaves = TrackedLeaves(xs);
        var y = f(leaves);
        value = ScalarValue(y);
        var grads = new double[xs.Length][];
        for (int i = 0; i < xs.Length; i++) grads[i] = new double[xs[i].Count];
        if (!y.IsTracked) return grads;
        y.Backward();
        for (int i = 0; i < xs.Length; i++)
            leaves[i].Gradient?.ToArray().CopyTo(grads[i], 0);
        return grads;
    }

    /// <summary>f at xs with element k of input i moved by +h and -h; also the exact step taken in floating point.</summary>
    private static (Tensor Plus, Tensor Minus, double Step) Perturbed(Func<Tensor[], Tensor> f, Tensor[] xs, int i, int k, double h)
    {
        var x = xs[i];
        var args = (Tensor[])xs.Clone();
        var up = x.ToArray();
        var down = x.ToArray();
        up[k] += h;
        down[k] -= h;
        // the representable step, so that (x + h) - (x - h) is exactly what the difference divides by
        double step = (up[k] - down[k]) / 2;
        args[i] = new Tensor(up, x.ShapeRef);
        var plus = f(args);
        args[i] = new Tensor(down, x.ShapeRef);
        var minus = f(args);
        return (plus, minus, step);
    }

    private static double MaxAbs(Tensor t)
    {
        double m = 0;
        for (int k = 0; k < t.Count; k++) m = Math.Max(m, Math.Abs(t.ValueAt(k)));
        return m;
    }

    private static GradientCheckReport Compare(GradientCheckKind kind, GradientCheckOptions requested, DType dtype, Tensor[] xs,
        double[][] analytic, double[][] numeric, int[]? outShape, double scale)
    {
        var opts = requested.ForDType(dtype);
        double floor = opts.AbsoluteTolerance * Math.Max(1, double.IsFinite(scale) ? scale : 1);
        double maxAbs = 0, maxRel = 0, worstRatio = -1;
        int worstInput = -1, worstFlat = -1, worstOut = -1, checkedCount = 0, failed = 0;
        double worstA = 0, worstN = 0;
        for (int i = 0; i < xs.Length; i++)
        {
            int n = xs[i].Count;
            for (int idx = 0; idx < analytic[i].Length; idx++)
            {
                double a = analytic[i][idx], nu = numeric[i][idx];
                double err = Math.Abs(a - nu);
                double mag = Math.Max(Math.Abs(a), Math.Abs(nu));
                double allowed = floor + opts.RelativeTolerance * mag;
                // NaN anywhere is a failure with an infinite ratio
                double ratio = double.IsNaN(err) ? double.PositiveInfinity : err / Math.Max(allowed, double.Epsilon);
                checkedCount++;
                if (!(err <= allowed)) failed++;
                if (!(maxAbs >= err)) maxAbs = err;
                if (mag > floor && !(maxRel >= err / mag)) maxRel = err / mag;
                if (ratio > worstRatio)
                {
                    worstRatio = ratio;
                    worstInput = i;
                    worstFlat = idx % n;
                    worstOut = outShape is null ? -1 : idx / n;
                    worstA = a;
                    worstN = nu;
                }
            }
        }
        var worstIndex = worstInput >= 0 ? Unravel(worstFlat, xs[worstInput].ShapeRef) : Array.Empty<int>();
        var an = new Tensor[xs.Length];
        var nu2 = new Tensor[xs.Length];
        for (int i = 0; i < xs.Length; i++)
        {
            var shape = outShape is null ? xs[i].Shape : Concat(outShape, xs[i].ShapeRef);
            an[i] = new Tensor(analytic[i], shape);
            nu2[i] = new Tensor(numeric[i], shape);
        }
        return new GradientCheckReport(kind, failed == 0, maxAbs, maxRel, worstInput, worstFlat, worstIndex, worstOut,
            worstA, worstN, checkedCount, failed, floor, opts, an, nu2, dtype);
    }

    private static int[] Unravel(int flat, int[] shape)
    {
        var index = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    private static int[] Concat(int[] a, int[] b)
    {
        var r = new int[a.Length + b.Length];
        a.CopyTo(r, 0);
        b.CopyTo(r, a.Length);
        return r;
    }
}
