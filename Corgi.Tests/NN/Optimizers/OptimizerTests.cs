using System;
using Corgi.NN;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.NN;

// Every test starts from p0 = [1, -2] with the loss L = ½·sum(p²), whose gradient is p itself, and
// checks the first two updates against the update rule worked out by hand.
public class OptimizerTests
{
    private static Parameter Start(DType dtype = DType.Float64) => new("p", Tensor.FromArray(new[] { 2 }, new double[] { 1, -2 }, dtype));

    private static Tensor Step(IOptimizer optimizer, Parameter p)
    {
        var dtype = p.Value.DType;
        p.Value.Square().Sum().Mul(Tensor.Scalar(0.5)).Backward();
        optimizer.Update(new[] { p });
        Assert.Null(p.Gradient);
        Assert.Equal(dtype, p.Value.DType);
        return p.Value;
    }

    // float32 runs the same rule in float32: each entry of the first two steps is a handful of float32
    // operations from exactly representable inputs, each off by at most half an ulp (2^-24 relative), so
    // 32·2^-24 ≈ 1.9e-6 relative bounds the error with room to spare
    private static void Close(DType dtype, double[] expected, Tensor actual, double tol = 1e-12) =>
        NnTestUtil.Close(expected, actual, dtype == DType.Float32 ? Math.Max(tol, 32 * Math.Pow(2, -24)) : tol);

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void GradientDescent(DType dtype)
    {
        // p ← p - 0.1·p = 0.9·p: [0.9, -1.8], then [0.81, -1.62]
        var p = Start(dtype);
        var p0 = p.Value;
        var gd = new GradientDescent(0.1);
        Close(dtype, new[] { 0.9, -1.8 }, Step(gd, p));
        Close(dtype, new[] { 0.81, -1.62 }, Step(gd, p));
        // the old tensor is never written
        Assert.Equal(new double[] { 1, -2 }, p0.ToArray());
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void GradientDescentWithWeightDecay(DType dtype)
    {
        // g + 0.1·p = 1.1·p, so p ← p - 0.1·1.1·p = 0.89·p: [0.89, -1.78], then 0.89² = 0.7921: [0.7921, -1.5842]
        var p = Start(dtype);
        var gd = new GradientDescent(0.1, weightDecay: 0.1);
        Close(dtype, new[] { 0.89, -1.78 }, Step(gd, p));
        Close(dtype, new[] { 0.7921, -1.5842 }, Step(gd, p));
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void SgdMomentum(DType dtype)
    {
        // step 1: b = g = [1,-2], p = [1,-2] - 0.1·[1,-2] = [0.9, -1.8]
        // step 2: g = [0.9,-1.8], b = 0.9·[1,-2] + [0.9,-1.8] = [1.8,-3.6], p = [0.9,-1.8] - 0.1·[1.8,-3.6] = [0.72, -1.44]
        var p = Start(dtype);
        var sgd = new Sgd(0.1, momentum: 0.9);
        Close(dtype, new[] { 0.9, -1.8 }, Step(sgd, p));
        Close(dtype, new[] { 0.72, -1.44 }, Step(sgd, p));
        Assert.Equal(2, sgd.GetState(p)!.Step);
        Assert.Equal(dtype, sgd.GetState(p)!.BufferDType("momentum"));
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void SgdNesterov(DType dtype)
    {
        // step 1: b = [1,-2]; d = g + 0.9·b = [1.9,-3.8]; p = [1,-2] - 0.1·d = [0.81, -1.62]
        // step 2: g = [0.81,-1.62]; b = 0.9·[1,-2] + g = [1.71,-3.42]; d = g + 0.9·b = [2.349,-4.698];
        //         p = [0.81,-1.62] - 0.1·d = [0.5751, -1.1502]
        var p = Start(dtype);
        var sgd = new Sgd(0.1, momentum: 0.9, nesterov: true);
        Close(dtype, new[] { 0.81, -1.62 }, Step(sgd, p));
        Close(dtype, new[] { 0.5751, -1.1502 }, Step(sgd, p));
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void SgdWithoutMomentumIsGradientDescent(DType dtype)
    {
        var p = Start(dtype);
        var sgd = new Sgd(0.1);
        Close(dtype, new[] { 0.9, -1.8 }, Step(sgd, p));
        Close(dtype, new[] { 0.81, -1.62 }, Step(sgd, p));
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void Adam(DType dtype)
    {
        // lr 0.1, β1 0.9, β2 0.999, ε 1e-8.
        // step 1: m = 0.1·g, v = 0.001·g², m̂ = g, v̂ = g², so p = p - 0.1·g/(|g| + ε) ≈ p - 0.1·sign(g):
        //   [1 - 0.1/(1+1e-8), -2 + 0.1·2/(2+1e-8)] ≈ [0.9, -1.9]
        // step 2 (first entry, g = a = 0.9): m = 0.9·0.1 + 0.1·0.9 = 0.18, m̂ = 0.18/0.19 = 0.947368;
        //   v = 0.999·0.001 + 0.001·0.81 = 0.001809, v̂ = 0.001809/0.001999 = 0.904952, sqrt = 0.951290;
        //   p = 0.9 - 0.1·0.947368/0.951290 = 0.9 - 0.0995877 = 0.8004123
        // (second entry, g = -1.9): m = -0.18 - 0.19 = -0.37, m̂ = -1.947368; v = 0.003996 + 0.00361 = 0.007606,
        //   v̂ = 3.804902, sqrt = 1.950616; p = -1.9 + 0.1·0.998334 = -1.8001666
        var p = Start(dtype);
        var adam = new Adam(0.1);
        double a = 1 - 0.1 / (1 + 1e-8), b = -2 + 0.1 * 2 / (2 + 1e-8);
        Close(dtype, new[] { a, b }, Step(adam, p));
        Close(dtype, new[] { 0.8004123, -1.8001666 }, Step(adam, p), 2e-7);
        // the exact arithmetic of step 2, first entry, written out
        double m = 0.9 * 0.1 + 0.1 * a, v = 0.999 * 0.001 + 0.001 * a * a;
        double exact = a - 0.1 * (m / 0.19) / (Math.Sqrt(v / (1 - 0.999 * 0.999)) + 1e-8);
        Assert.Equal(exact, p.Value[0], dtype == DType.Float64 ? 1e-12 : 32 * Math.Pow(2, -24));
        Assert.Equal(dtype, adam.GetState(p)!.BufferDType("m"));
        Assert.Equal(dtype, adam.GetState(p)!.BufferDType("v"));
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void AdamW(DType dtype)
    {
        // lr 0.1, λ 0.1: p ← p·(1 - 0.01) then the Adam step from the gradient alone.
        // step 1: [0.99 - 0.1, -1.98 + 0.1] ≈ [0.89, -1.88]
        // step 2 (g = 0.89): m = 0.09 + 0.089 = 0.179, m̂ = 0.942105; v = 0.000999 + 0.0007921 = 0.0017911,
        //   v̂ = 0.895998, sqrt = 0.946572; p = 0.89·0.99 - 0.1·0.995283 = 0.8811 - 0.0995283 = 0.7815717
        // (g = -1.88): m = -0.18 - 0.188 = -0.368, m̂ = -1.936842; v = 0.003996 + 0.0035344 = 0.0075304,
        //   v̂ = 3.767084, sqrt = 1.940898; p = -1.88·0.99 + 0.0997910 = -1.761409
        var p = Start(dtype);
        var adamw = new AdamW(0.1, weightDecay: 0.1);
        Close(dtype, new[] { 0.89, -1.88 }, Step(adamw, p), 1e-8);
        Close(dtype, new[] { 0.7815717, -1.761409 }, Step(adamw, p), 2e-7);
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void RmsProp(DType dtype)
    {
        // lr 0.01, α 0.99. step 1: s = 0.01·g² = [0.01, 0.04], sqrt = [0.1, 0.2], g/sqrt = [10, -10]:
        //   p = [1 - 0.1, -2 + 0.1] = [0.9, -1.9]
        // step 2 (g = 0.9): s = 0.0099 + 0.0081 = 0.018, sqrt = 0.1341641, step 6.708204: p = 0.9 - 0.06708204 = 0.83291796
        // (g = -1.9): s = 0.0396 + 0.0361 = 0.0757, sqrt = 0.2751363, step -6.905677: p = -1.9 + 0.06905677 = -1.83094323
        var p = Start(dtype);
        var rms = new RmsProp(0.01, alpha: 0.99);
        Close(dtype, new[] { 0.9, -1.9 }, Step(rms, p), 1e-8);
        Close(dtype, new[] { 0.83291796, -1.83094323 }, Step(rms, p), 1e-7);
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void RmsPropMomentum(DType dtype)
    {
        // step 1 as without momentum (b = [10, -10]); step 2: b = 0.9·10 + 6.708204 = 15.708204, p = 0.9 - 0.15708204
        var p = Start(dtype);
        var rms = new RmsProp(0.01, alpha: 0.99, momentum: 0.9);
        Close(dtype, new[] { 0.9, -1.9 }, Step(rms, p), 1e-8);
        Assert.Equal(0.74291796, Step(rms, p)[0], dtype == DType.Float64 ? 1e-7 : 32 * Math.Pow(2, -24));
        Assert.Equal(dtype, rms.GetState(p)!.BufferDType("momentum"));
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void GradientClippingByGlobalNorm(DType dtype)
    {
        // gradients [3] and [4] have global norm 5; clipped to norm 1 they become [0.6] and [0.8]; lr 1
        var a = new Parameter("a", Tensor.Zeros(new[] { 1 }, dtype));
        var b = new Parameter("b", Tensor.Zeros(new[] { 1 }, dtype));
        var gd = new GradientDescent(1) { MaxGradientNorm = 1 };
        double tol = dtype == DType.Float64 ? 1e-12 : 1e-6;
        for (int step = 1; step <= 2; step++)
        {
            a.Value.Mul(Tensor.Scalar(3)).Add(b.Value.Mul(Tensor.Scalar(4))).Sum().Backward();
            gd.Update(new[] { a, b });
            Assert.Equal(-0.6 * step, a.Value.Item(), tol);
            Assert.Equal(-0.8 * step, b.Value.Item(), tol);
            Assert.Equal(dtype, a.Value.DType);
        }
        // a norm below the limit is left alone
        var c = new Parameter("c", Tensor.Of(0));
        c.Value.Mul(Tensor.Scalar(0.5)).Sum().Backward();
        new GradientDescent(1) { MaxGradientNorm = 1 }.Update(new[] { c });
        Assert.Equal(-0.5, c.Value.Item(), 12);
    }

    [Fact]
    public void FrozenAndGradientlessParametersAreLeftAlone()
    {
        var frozen = new Parameter("f", Tensor.Of(1)) { Frozen = true };
        var unused = new Parameter("u", Tensor.Of(1));
        var before = unused.Value;
        frozen.Value.Sum().Backward();
        new Sgd(0.1, momentum: 0.5).Update(new[] { frozen, unused });
        Assert.Equal(1, frozen.Value.Item());
        Assert.Null(frozen.Gradient);
        Assert.Same(before, unused.Value);
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void StateBelongsToTheParameterSlot(DType dtype)
    {
        // the momentum buffer survives the replacement of p's tensor, and is not shared with another parameter
        var p = Start(dtype);
        var q = Start(dtype);
        var sgd = new Sgd(0.1, momentum: 0.9);
        Step(sgd, p);
        Step(sgd, p);
        Close(dtype, new[] { 0.9, -1.8 }, Step(sgd, q)); // q's first step has no momentum yet
        Assert.Equal(2, sgd.GetState(p)!.Step);
        Assert.Equal(1, sgd.GetState(q)!.Step);
        sgd.ResetState();
        Assert.Null(sgd.GetState(p));
    }

    [Fact]
    public void AdamUpdatesEveryElementByTheRuleExactly()
    {
        // 37 elements: whole SIMD vectors at any width plus a remainder. Each element must be exactly the rule in the
        // parameter's type, operations in the order of the XML doc (d = g; m = β1 m + (1-β1) d; v = β2 v + (1-β2) d d;
        // p - lr (m / c1) / (sqrt(v / c2) + ε)), whichever loop computed it. L = ½ sum(p²): the gradient is p.
        var values = new double[37];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(Math.Sin(1.3 * i + 0.2) * 2);
        var p64 = new Parameter("p", new Tensor(new[] { 37 }, values));
        var p32 = new Parameter("p", new Tensor(new[] { 37 }, values).Float32());
        var adam64 = new Adam(0.05);
        var adam32 = new Adam(0.05);
        var (e64, m64, v64) = ((double[])values.Clone(), new double[37], new double[37]);
        var (e32, m32, v32) = (Array.ConvertAll(values, x => (float)x), new float[37], new float[37]);
        for (int t = 1; t <= 3; t++)
        {
            Step(adam64, p64);
            Step(adam32, p32);
            double c1 = 1 - Math.Pow(0.9, t), c2 = 1 - Math.Pow(0.999, t);
            float lr = 0.05f, b1 = 0.9f, r1 = (float)(1 - 0.9), b2 = 0.999f, r2 = (float)(1 - 0.999), eps = 1e-8f, f1 = (float)c1, f2 = (float)c2;
            for (int i = 0; i < 37; i++)
            {
                double d = e64[i] + 0 * e64[i];
                m64[i] = 0.9 * m64[i] + (1 - 0.9) * d;
                v64[i] = 0.999 * v64[i] + (1 - 0.999) * d * d;
                e64[i] = e64[i] * 1 - 0.05 * (m64[i] / c1) / (Math.Sqrt(v64[i] / c2) + 1e-8);
                float g = e32[i] + 0f * e32[i];
                m32[i] = b1 * m32[i] + r1 * g;
                v32[i] = b2 * v32[i] + r2 * g * g;
                e32[i] = e32[i] * 1f - lr * (m32[i] / f1) / (MathF.Sqrt(v32[i] / f2) + eps);
            }
            Assert.Equal(e64, p64.Value.ToArray());
            Assert.Equal(e32, p32.Value.ToArray<float>());
        }
    }

    [Fact]
    public void AdamInFloat32IsTheFloat64StepRounded()
    {
        // the same parameter and gradients in both dtypes (values exactly representable in float32), five steps.
        // Tolerance from float32's machine epsilon: each step's update is lr·m̂/(sqrt(v̂)+ε), at most about lr in
        // size, computed with ~10 float32 roundings of relative error ≤ 2^-24 each, and the parameter itself is
        // rounded once per step; so after k steps |p32 - p64| ≤ k·(|p|·2^-24 + lr·10·2^-24) + slack. We assert
        // k·(|p| + 1)·16·2^-24, several times that bound's estimate and still far below any visible change.
        var values = new double[64];
        var random = new Random(3);
        for (int i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 4 - 2);
        var p64 = new Parameter("p", new Tensor(new[] { 64 }, values));
        var p32 = new Parameter("p", new Tensor(new[] { 64 }, values).Float32());
        var adam64 = new Adam(0.01);
        var adam32 = new Adam(0.01);
        const int steps = 5;
        for (int k = 1; k <= steps; k++)
        {
            // L = sum(p³)/3: gradient p², evaluated on each copy's own values
            p64.Value.Pow(3).Sum().Backward();
            p32.Value.Pow(3).Sum().Backward();
            adam64.Update(new[] { p64 });
            adam32.Update(new[] { p32 });
            var a = p64.Value.ToArray();
            var b = p32.Value.ToArray();
            for (int i = 0; i < a.Length; i++)
            {
                double tol = k * (Math.Abs(a[i]) + 1) * 16 * Math.Pow(2, -24);
                Assert.True(Math.Abs(a[i] - b[i]) <= tol, $"step {k}, element {i}: float64 {a[i]:R}, float32 {b[i]:R}, tolerance {tol:R}");
            }
        }
        Assert.Equal(DType.Float32, p32.Value.DType);
        Assert.Equal(DType.Float32, adam32.GetState(p32)!.BufferDType("m"));
        Assert.Equal(DType.Float64, adam64.GetState(p64)!.BufferDType("m"));
    }

    [Fact]
    public void StateIsConvertedWhenTheParameterChangesDType()
    {
        // two float64 momentum steps, then the parameter becomes float32: the buffer [1.8, -3.6] carries over,
        // so step 3 is b = 0.9·[1.8,-3.6] + [0.72,-1.44] = [2.34,-4.68], p = [0.72,-1.44] - 0.1·b = [0.486, -0.972]
        var p = Start();
        var sgd = new Sgd(0.1, momentum: 0.9);
        Step(sgd, p);
        Step(sgd, p);
        Assert.Equal(DType.Float64, sgd.GetState(p)!.BufferDType("momentum"));
        p.Value = p.Value.Float32();
        Close(DType.Float32, new[] { 0.486, -0.972 }, Step(sgd, p));
        Assert.Equal(DType.Float32, sgd.GetState(p)!.BufferDType("momentum"));
        Assert.Equal(DType.Float32, p.Value.DType);
    }

    [Fact]
    public void ClippingNormOfFloat32GradientsIsAccumulatedInDouble()
    {
        // gradient [3, 4]: 9 + 16 = 25, norm 5, scale 1/5, so the step is -[0.6, 0.8] (to float32 rounding)
        var a = new Parameter("a", Tensor.Zeros(new[] { 2 }, DType.Float32));
        a.Value.Mul(new Tensor(new[] { 2 }, new float[] { 3, 4 })).Sum().Backward();
        new GradientDescent(1) { MaxGradientNorm = 1 }.Update(new[] { a });
        Assert.Equal(-0.6, a.Value[0], 1e-7);
        Assert.Equal(-0.8, a.Value[1], 1e-7);
    }

    [Fact]
    public void RejectsBadSettings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientDescent(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1, momentum: 1));
        Assert.Throws<ArgumentException>(() => new Sgd(0.1, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GradientDescent(0.1) { MaxGradientNorm = 0 });
    }
}
