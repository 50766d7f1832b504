using System;
using Corgi.Verification;
using Xunit;

namespace Corgi.Tests.Verification;

public class GradientCheckerTests
{
    /// <summary>x^p with a correct or a wrong (the Rust crate's "always 2x") derivative, as a custom op.</summary>
    private static Tensor PowCustom(Tensor x, double p, bool wrong) =>
        Tensor.Custom(wrong ? "powf_always_2x" : "powf", new[] { x },
            xs => xs[0].Pow(p),
            (xs, _, g) => new Tensor?[] { wrong ? g * 2.0 * xs[0] : g * p * xs[0].Pow(p - 1) });

    [Fact]
    public void CorrectGradientOfSeveralBroadcastInputsPasses()
    {
        var a = Tensor.FromArray(new[] { 2, 3 }, new[] { 0.1, -0.4, 0.7, 1.2, -1.5, 0.3 });
        var b = Tensor.FromArray(new[] { 1, 3 }, new[] { 0.5, -0.2, 0.9 });
        var report = GradientChecker.Check(x => (x[0] * x[1]).Tanh().Sum() + x[1].Exp().Sum(), new[] { a, b });
        Assert.True(report.Passed, report.Summary);
        Assert.Equal(GradientCheckKind.Gradient, report.Kind);
        Assert.Equal(9, report.ElementsChecked);
        Assert.Equal(0, report.ElementsFailed);
        // central differences at h = 1e-6 are good to ~1e-9 on this O(1) function
        Assert.True(report.MaxAbsoluteError < 1e-7, report.Summary);
        Assert.StartsWith("gradient check passed", report.ToString());
    }

    [Fact]
    public void CorrectCustomPowPasses()
    {
        var report = GradientChecker.Check(x => PowCustom(x, 3, wrong: false).Sum(), Tensor.Of(0.5, 1, 2));
        Assert.True(report.Passed, report.Summary);
        // d/dx sum(x^3) = 3x^2 = [0.75, 3, 12]
        Assert.True(report.AnalyticDerivatives[0].AllClose(Tensor.Of(0.75, 3, 12), 1e-12, 0));
        Assert.True(report.NumericDerivatives[0].AllClose(Tensor.Of(0.75, 3, 12), 1e-7, 0));
    }

    [Fact]
    public void PowWhoseDerivativeIsAlways2xFailsAndTheWorstElementIsNamed()
    {
        var report = GradientChecker.Check(x => PowCustom(x, 3, wrong: true).Sum(), Tensor.Of(0.5, 1, 2));
        Assert.False(report.Passed);
        // analytic 2x = [1, 2, 4] against the true 3x^2 = [0.75, 3, 12]:
        // errors [0.25, 1, 8], relative [0.25, 0.333, 0.667] -> the last element is worst
        Assert.Equal(3, report.ElementsFailed);
        Assert.Equal(0, report.WorstInput);
        Assert.Equal(2, report.WorstElement);
        Assert.Equal(new[] { 2 }, report.WorstIndex);
        Assert.Equal(-1, report.WorstOutput);
        Assert.Equal(4.0, report.Analytic, 12);
        Assert.Equal(12.0, report.Numeric, 6);
        Assert.Equal(8.0, report.MaxAbsoluteError, 6);
        Assert.Equal(8.0 / 12.0, report.MaxRelativeError, 6);
        Assert.Contains("FAILED", report.Summary);
        Assert.Contains("element [2]", report.Summary);
    }

    [Fact]
    public void WorstElementNamesTheInputAndTheNdIndex()
    {
        // f(a, b) = sum(a * b); the custom op gives b the wrong gradient g * a^2 instead of g * a
        var a = Tensor.From(new double[,] { { 1, 2 }, { 3, 4 } });
        var b = Tensor.Ones(2, 2);
        var report = GradientChecker.Check(x => Tensor.Custom("bad_mul", x,
            xs => xs[0] * xs[1],
            (xs, _, g) => new Tensor?[] { g * xs[1], g * xs[0] * xs[0] }).Sum(), new[] { a, b });
        Assert.False(report.Passed);
        // input 1 errors |a^2 - a| = [0, 2, 6, 12]: three fail, the worst is a[1,1] = 4 (analytic 16, numeric 4)
        Assert.Equal(3, report.ElementsFailed);
        Assert.Equal(1, report.WorstInput);
        Assert.Equal(new[] { 1, 1 }, report.WorstIndex);
        Assert.Equal(3, report.WorstElement);
        Assert.Equal(16.0, report.Analytic, 12);
        Assert.Equal(4.0, report.Numeric, 6);
        Assert.Contains("input 1, element [1,1] (flat 3)", report.Summary);
    }

    [Fact]
    public void AFunctionThatDetachesItsInputFails()
    {
        // the recorded graph misses the dependency: analytic 0, numeric 2x
        var report = GradientChecker.Check(x => x.Detach().Square().Sum(), Tensor.Of(1, -2));
        Assert.False(report.Passed);
        Assert.Equal(new[] { 1 }, report.WorstIndex);
        Assert.Equal(0.0, report.Analytic);
        Assert.Equal(-4.0, report.Numeric, 6);
    }

    [Fact]
    public void TheCallersTensorsAreLeftAlone()
    {
        var x = Tensor.Of(1, 2).Tracked();
        var report = GradientChecker.Check(t => t.Square().Sum(), x);
        Assert.True(report.Passed, report.Summary);
        Assert.Null(x.Gradient);
        Assert.Equal(Tensor.Of(1, 2), x);
    }

    [Fact]
    public void JacobianOfSoftmaxPassesAndIsDiagYMinusYYt()
    {
        var report = GradientChecker.CheckJacobian(x => x[0].Softmax(), new[] { Tensor.Of(0, 0) });
        Assert.True(report.Passed, report.Summary);
        Assert.Equal(GradientCheckKind.Jacobian, report.Kind);
        // y = [0.5, 0.5], J = diag(y) - y y^T = [[0.25, -0.25], [-0.25, 0.25]]
        var expected = Tensor.From(new double[,] { { 0.25, -0.25 }, { -0.25, 0.25 } });
        Assert.True(report.AnalyticDerivatives[0].AllClose(expected, 1e-12, 1e-15));
        Assert.Equal(new[] { 2, 2 }, report.NumericDerivatives[0].Shape);
    }

    [Fact]
    public void JacobianOfAWrongOpNamesTheOutputElement()
    {
        // y = x^2 element-wise with the wrong derivative x (missing the factor 2); J = diag(2x) = diag(2, 6)
        var report = GradientChecker.CheckJacobian(x => Tensor.Custom("half_square", new[] { x },
            xs => xs[0] * xs[0], (xs, _, g) => new Tensor?[] { g * xs[0] }), Tensor.Of(1, 3));
        Assert.False(report.Passed);
        // errors on the diagonal: |1 - 2| = 1 and |3 - 6| = 3; off-diagonal entries are 0 on both sides
        Assert.Equal(2, report.ElementsFailed);
        Assert.Equal(1, report.WorstOutput);
        Assert.Equal(new[] { 1 }, report.WorstIndex);
        Assert.Equal(3.0, report.Analytic, 12);
        Assert.Equal(6.0, report.Numeric, 6);
        Assert.Contains("output element 1", report.Summary);
    }

    [Fact]
    public void SecondOrderOfCubeIsSixXV()
    {
        var report = GradientChecker.CheckSecondOrder(x => x.Pow(3).Sum(), Tensor.Of(1, 2), direction: Tensor.Of(1, 1));
        Assert.True(report.Passed, report.Summary);
        // H = diag(6x), v = 1: H v = [6, 12]
        Assert.True(report.AnalyticDerivatives[0].AllClose(Tensor.Of(6, 12), 1e-12, 0));
        Assert.Equal(GradientCheckKind.SecondOrder, report.Kind);
    }

    [Fact]
    public void SecondOrderOfSeveralInputsWithARandomDirectionPasses()
    {
        var a = Tensor.FromArray(new[] { 2, 2 }, new[] { 0.3, -0.7, 1.1, 0.4 });
        var b = Tensor.Of(0.9, -0.6);
        var report = GradientChecker.CheckSecondOrder(x => (x[0] * x[0] * x[1]).Sigmoid().Sum() + x[0].MatMul(x[1]).Exp().Sum(), new[] { a, b });
        Assert.True(report.Passed, report.Summary);
        Assert.Equal(6, report.ElementsChecked);
    }

    [Fact]
    public void ADetachedBackwardPassesFirstOrderButFailsSecondOrder()
    {
        // cube whose derivative 3x^2 is computed from detached values: right value, not differentiable
        Tensor Cube(Tensor x) => Tensor.Custom("cube_detached", new[] { x },
            xs => xs[0] * xs[0] * xs[0],
            (xs, _, g) => new Tensor?[] { g.Detach() * 3.0 * xs[0].Detach() * xs[0].Detach() });
        var x0 = Tensor.Of(1, 2);
        Assert.True(GradientChecker.Check(x => Cube(x).Sum(), x0).Passed);
        var second = GradientChecker.CheckSecondOrder(x => Cube(x).Sum(), x0, direction: Tensor.Of(1, 1));
        Assert.False(second.Passed);
        // analytic H v = 0 (nothing recorded), numeric 6 x v = [6, 12]: the larger is element 1
        Assert.Equal(new[] { 1 }, second.WorstIndex);
        Assert.Equal(0.0, second.Analytic);
        Assert.Equal(12.0, second.Numeric, 5);
    }

    [Fact]
    public void NonScalarFunctionIsRejectedWithAPointerToCheckJacobian()
    {
        var e = Assert.Throws<ArgumentException>(() => GradientChecker.Check(x => x.Exp(), Tensor.Of(1, 2)));
        Assert.Contains("[2]", e.Message);
        Assert.Contains("CheckJacobian", e.Message);
    }

    [Fact]
    public void CheckingInsideNoGradIsAStateError()
    {
        using (Tensor.NoGrad())
        {
            var e = Assert.Throws<InvalidOperationException>(() => GradientChecker.Check(x => x.Sum(), Tensor.Of(1)));
            Assert.Contains("NoGrad", e.Message);
        }
    }

    [Fact]
    public void TolerancesFollowFromTheStepSize()
    {
        // h = 1e-6: h^2 + eps/h = 2.2e-10, times 1000 is below the 1e-6 minimum -> the defaults
        Assert.Equal(GradientCheckOptions.Default, GradientCheckOptions.ForStepSize(1e-6));
        // h = 1e-4: truncation h^2 = 1e-8 dominates; 1000 * (1e-8 + 2.22e-12) = 1.000222e-5
        var o = GradientCheckOptions.ForStepSize(1e-4);
        Assert.Equal(1.000222e-5, o.RelativeTolerance, 10);
        Assert.Equal(o.RelativeTolerance, o.AbsoluteTolerance);
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientCheckOptions.ForStepSize(0));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            GradientChecker.Check(x => x.Sum(), Tensor.Of(1), new GradientCheckOptions(StepSize: -1)));
    }

    [Fact]
    public void AbsoluteFloorScalesWithTheFunctionsValue()
    {
        // f = sum(1000 x^2) at x = 1: |f| is about 1000, so the floor is 1e-6 * 1000
        var report = GradientChecker.Check(x => (x.Square() * 1000.0).Sum(), Tensor.Of(1.0));
        Assert.True(report.Passed, report.Summary);
        Assert.Equal(1e-3, report.AbsoluteFloor, 8);
    }

    [Fact]
    public void TheDocsCSharpExampleRuns()
    {
        // docs/verification.md: several inputs with broadcasting, and second derivatives
        var a = Tensor.RandomNormal(new[] { 2, 3 }, seed: 1);
        var b = Tensor.RandomNormal(new[] { 1, 3 }, seed: 2);
        Func<Tensor[], Tensor> f = x => (x[0] * x[1]).Tanh().Sum();
        var first = GradientChecker.Check(f, new[] { a, b });
        var second = GradientChecker.CheckSecondOrder(f, new[] { a, b });
        Assert.True(first.Passed, first.Summary);
        Assert.True(second.Passed, second.Summary);
        var r = GradientChecker.CheckJacobian(x => x[0].Softmax(), new[] { Tensor.Of(1, 2, 3) });
        Assert.True(r.Passed, r.Summary);
    }

    // ------------------------------------------------------------------ float32 (against the float64 twin)

    [Fact]
    public void Float32InputIsCheckedAgainstTheFloat64TwinWithFloat32Tolerances()
    {
        var x = Tensor.Of(0.5f, 1f, 2f);
        var report = GradientChecker.Check(t => t.Pow(3).Sum(), x);
        Assert.True(report.Passed, report.Summary);
        Assert.Equal(DType.Float32, report.DType);
        Assert.Contains("float32 against its float64 twin", report.Summary);
        // the tolerances in effect: float64's plus 1000 eps32
        Assert.Equal(1e-6 + 1000 * GradientCheckOptions.Float32Epsilon, report.Options.RelativeTolerance, 15);
        // d/dx sum(x^3) = 3x^2 = [0.75, 3, 12], exact in float32 (one rounding of exact values)
        Assert.True(report.AnalyticDerivatives[0].AllClose(Tensor.Of(0.75, 3, 12), 1e-6, 0), report.Summary);
        // the numeric derivative comes from float64 arithmetic: good to ~1e-9, not float32's ~1e-2
        Assert.True(report.NumericDerivatives[0].AllClose(Tensor.Of(0.75, 3, 12), 1e-8, 0), report.Summary);
    }

    [Fact]
    public void Float64ReportSaysFloat64()
    {
        var report = GradientChecker.Check(t => t.Exp().Sum(), Tensor.Of(0.5, 1));
        Assert.Equal(DType.Float64, report.DType);
        Assert.Contains("(float64; h = ", report.Summary);
        Assert.Equal(GradientCheckOptions.Default, report.Options);
    }

    [Fact]
    public void Float32WrongDerivativeFails()
    {
        // the "always 2x" derivative of x^3 is off by O(1), far outside 1.2e-4
        var report = GradientChecker.Check(t => PowCustom(t, 3, wrong: true).Sum(), Tensor.Of(0.5f, 1f, 2f));
        Assert.False(report.Passed, report.Summary);
        Assert.Equal(DType.Float32, report.DType);
    }

    [Fact]
    public void Float32MixedWithFloat64ChecksAsFloat32()
    {
        var a = Tensor.FromArray(new[] { 2, 3 }, new[] { 0.1f, -0.4f, 0.7f, 1.2f, -1.5f, 0.3f });
        var b = Tensor.FromArray(new[] { 1, 3 }, new[] { 0.5, -0.2, 0.9 });
        var report = GradientChecker.Check(x => (x[0] * x[1]).Tanh().Sum() + x[0].MatMul(x[1].T).Sum(), new[] { a, b });
        Assert.True(report.Passed, report.Summary);
        Assert.Equal(DType.Float32, report.DType);
        Assert.Equal(9, report.ElementsChecked);
    }

    [Fact]
    public void Float32FunctionIsEvaluatedInFloat64ForTheNumericDerivative()
    {
        // f records the dtypes it is called with: float32 once (analytic), float64 for every perturbation
        int float32Calls = 0, float64Calls = 0;
        var report = GradientChecker.Check(t =>
        {
            if (t.DType == DType.Float32) float32Calls++; else float64Calls++;
            // a constant from the default dtype: float64 inside the twin
            return (t * Tensor.Ones(t.Shape)).Tanh().Sum();
        }, Tensor.Of(0.25f, -1f));
        Assert.True(report.Passed, report.Summary);
        Assert.Equal(1, float32Calls);
        Assert.Equal(4, float64Calls);
    }

    [Fact]
    public void Float32JacobianAndSecondOrderCheck()
    {
        var x = Tensor.Of(1f, 2f, 3f);
        var jacobian = GradientChecker.CheckJacobian(t => t.Softmax(), x);
        Assert.True(jacobian.Passed, jacobian.Summary);
        Assert.Equal(DType.Float32, jacobian.DType);
        // f = sum(x^3): H = diag(6x), so H·v = 6 x v = [6, 12, 18] along v = 1
        var second = GradientChecker.CheckSecondOrder(t => t.Pow(3).Sum(), x, direction: Tensor.Of(1, 1, 1));
        Assert.True(second.Passed, second.Summary);
        Assert.Equal(DType.Float32, second.DType);
        Assert.True(second.AnalyticDerivatives[0].AllClose(Tensor.Of(6, 12, 18), 1e-6, 0), second.Summary);
    }

    [Fact]
    public void Float32ToleranceForDTypeAddsToBothTolerances()
    {
        var o = new GradientCheckOptions(RelativeTolerance: 1e-5, AbsoluteTolerance: 2e-5, Float32Tolerance: 1e-3);
        var f32 = o.ForDType(DType.Float32);
        Assert.Equal(1e-5 + 1e-3, f32.RelativeTolerance, 15);
        Assert.Equal(2e-5 + 1e-3, f32.AbsoluteTolerance, 15);
        Assert.Same(o, o.ForDType(DType.Float64));
        Assert.Equal(1000 * GradientCheckOptions.Float32Epsilon, GradientCheckOptions.Default.Float32Tolerance);
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            GradientChecker.Check(t => t.Sum(), Tensor.Of(1f), new GradientCheckOptions(Float32Tolerance: -1)));
    }
}
