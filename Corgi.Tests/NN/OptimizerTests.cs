using System;
using Corgi.NN;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.NN;

// Every test starts from p0 = [1, -2] with the loss L = ½·sum(p²), whose gradient is p itself, and
// checks the first two updates against the update rule worked out by hand.
public class OptimizerTests
{
    private static Parameter Start() => new("p", Tensor.Of(1, -2));

    private static Tensor Step(IOptimizer optimizer, Parameter p)
    {
        p.Value.Square().Sum().Mul(Tensor.Scalar(0.5)).Backward();
        optimizer.Update(new[] { p });
        Assert.Null(p.Gradient);
        return p.Value;
    }

    [Fact]
    public void GradientDescent()
    {
        // p ← p - 0.1·p = 0.9·p: [0.9, -1.8], then [0.81, -1.62]
        var p = Start();
        var p0 = p.Value;
        var gd = new GradientDescent(0.1);
        Close(new[] { 0.9, -1.8 }, Step(gd, p));
        Close(new[] { 0.81, -1.62 }, Step(gd, p));
        // the old tensor is never written
        Assert.Equal(new double[] { 1, -2 }, p0.ToArray());
    }

    [Fact]
    public void GradientDescentWithWeightDecay()
    {
        // g + 0.1·p = 1.1·p, so p ← p - 0.1·1.1·p = 0.89·p: [0.89, -1.78], then 0.89² = 0.7921: [0.7921, -1.5842]
        var p = Start();
        var gd = new GradientDescent(0.1, weightDecay: 0.1);
        Close(new[] { 0.89, -1.78 }, Step(gd, p));
        Close(new[] { 0.7921, -1.5842 }, Step(gd, p));
    }

    [Fact]
    public void SgdMomentum()
    {
        // step 1: b = g = [1,-2], p = [1,-2] - 0.1·[1,-2] = [0.9, -1.8]
        // step 2: g = [0.9,-1.8], b = 0.9·[1,-2] + [0.9,-1.8] = [1.8,-3.6], p = [0.9,-1.8] - 0.1·[1.8,-3.6] = [0.72, -1.44]
        var p = Start();
        var sgd = new Sgd(0.1, momentum: 0.9);
        Close(new[] { 0.9, -1.8 }, Step(sgd, p));
        Close(new[] { 0.72, -1.44 }, Step(sgd, p));
        Assert.Equal(2, sgd.GetState(p)!.Step);
    }

    [Fact]
    public void SgdNesterov()
    {
        // step 1: b = [1,-2]; d = g + 0.9·b = [1.9,-3.8]; p = [1,-2] - 0.1·d = [0.81, -1.62]
        // step 2: g = [0.81,-1.62]; b = 0.9·[1,-2] + g = [1.71,-3.42]; d = g + 0.9·b = [2.349,-4.698];
        //         p = [0.81,-1.62] - 0.1·d = [0.5751, -1.1502]
        var p = Start();
        var sgd = new Sgd(0.1, momentum: 0.9, nesterov: true);
        Close(new[] { 0.81, -1.62 }, Step(sgd, p));
        Close(new[] { 0.5751, -1.1502 }, Step(sgd, p));
    }

    [Fact]
    public void SgdWithoutMomentumIsGradientDescent()
    {
        var p = Start();
        var sgd = new Sgd(0.1);
        Close(new[] { 0.9, -1.8 }, Step(sgd, p));
        Close(new[] { 0.81, -1.62 }, Step(sgd, p));
    }

    [Fact]
    public void Adam()
    {
        // lr 0.1, β1 0.9, β2 0.999, ε 1e-8.
        // step 1: m = 0.1·g, v = 0.001·g², m̂ = g, v̂ = g², so p = p - 0.1·g/(|g| + ε) ≈ p - 0.1·sign(g):
        //   [1 - 0.1/(1+1e-8), -2 + 0.1·2/(2+1e-8)] ≈ [0.9, -1.9]
        // step 2 (first entry, g = a = 0.9): m = 0.9·0.1 + 0.1·0.9 = 0.18, m̂ = 0.18/0.19 = 0.947368;
        //   v = 0.999·0.001 + 0.001·0.81 = 0.001809, v̂ = 0.001809/0.001999 = 0.904952, sqrt = 0.951290;
        //   p = 0.9 - 0.1·0.947368/0.951290 = 0.9 - 0.0995877 = 0.8004123
        // (second entry, g = -1.9): m = -0.18 - 0.19 = -0.37, m̂ = -1.947368; v = 0.003996 + 0.00361 = 0.007606,
        //   v̂ = 3.804902, sqrt = 1.950616; p = -1.9 + 0.1·0.998334 = -1.8001666
        var p = Start();
        var adam = new Adam(0.1);
        double a = 1 - 0.1 / (1 + 1e-8), b = -2 + 0.1 * 2 / (2 + 1e-8);
        Close(new[] { a, b }, Step(adam, p));
        Close(new[] { 0.8004123, -1.8001666 }, Step(adam, p), 2e-7);
        // the exact arithmetic of step 2, first entry, written out
        double m = 0.9 * 0.1 + 0.1 * a, v = 0.999 * 0.001 + 0.001 * a * a;
        Assert.Equal(a - 0.1 * (m / 0.19) / (Math.Sqrt(v / (1 - 0.999 * 0.999)) + 1e-8), p.Value[0], 12);
    }

    [Fact]
    public void AdamW()
    {
        // lr 0.1, λ 0.1: p ← p·(1 - 0.01) then the Adam step from the gradient alone.
        // step 1: [0.99 - 0.1, -1.98 + 0.1] ≈ [0.89, -1.88]
        // step 2 (g = 0.89): m = 0.09 + 0.089 = 0.179, m̂ = 0.942105; v = 0.000999 + 0.0007921 = 0.0017911,
        //   v̂ = 0.895998, sqrt = 0.946572; p = 0.89·0.99 - 0.1·0.995283 = 0.8811 - 0.0995283 = 0.7815717
        // (g = -1.88): m = -0.18 - 0.188 = -0.368, m̂ = -1.936842; v = 0.003996 + 0.0035344 = 0.0075304,
        //   v̂ = 3.767084, sqrt = 1.940898; p = -1.88·0.99 + 0.0997910 = -1.761409
        var p = Start();
        var adamw = new AdamW(0.1, weightDecay: 0.1);
        Close(new[] { 0.89, -1.88 }, Step(adamw, p), 1e-8);
        Close(new[] { 0.7815717, -1.761409 }, Step(adamw, p), 2e-7);
    }

    [Fact]
    public void RmsProp()
    {
        // lr 0.01, α 0.99. step 1: s = 0.01·g² = [0.01, 0.04], sqrt = [0.1, 0.2], g/sqrt = [10, -10]:
        //   p = [1 - 0.1, -2 + 0.1] = [0.9, -1.9]
        // step 2 (g = 0.9): s = 0.0099 + 0.0081 = 0.018, sqrt = 0.1341641, step 6.708204: p = 0.9 - 0.06708204 = 0.83291796
        // (g = -1.9): s = 0.0396 + 0.0361 = 0.0757, sqrt = 0.2751363, step -6.905677: p = -1.9 + 0.06905677 = -1.83094323
        var p = Start();
        var rms = new RmsProp(0.01, alpha: 0.99);
        Close(new[] { 0.9, -1.9 }, Step(rms, p), 1e-8);
        Close(new[] { 0.83291796, -1.83094323 }, Step(rms, p), 1e-7);
    }

    [Fact]
    public void RmsPropMomentum()
    {
        // step 1 as without momentum (b = [10, -10]); step 2: b = 0.9·10 + 6.708204 = 15.708204, p = 0.9 - 0.15708204
        var p = Start();
        var rms = new RmsProp(0.01, alpha: 0.99, momentum: 0.9);
        Close(new[] { 0.9, -1.9 }, Step(rms, p), 1e-8);
        Assert.Equal(0.74291796, Step(rms, p)[0], 7);
    }

    [Fact]
    public void GradientClippingByGlobalNorm()
    {
        // gradients [3] and [4] have global norm 5; clipped to norm 1 they become [0.6] and [0.8]; lr 1
        var a = new Parameter("a", Tensor.Of(0));
        var b = new Parameter("b", Tensor.Of(0));
        var gd = new GradientDescent(1) { MaxGradientNorm = 1 };
        for (int step = 1; step <= 2; step++)
        {
            a.Value.Mul(Tensor.Scalar(3)).Add(b.Value.Mul(Tensor.Scalar(4))).Sum().Backward();
            gd.Update(new[] { a, b });
            Assert.Equal(-0.6 * step, a.Value.Item(), 12);
            Assert.Equal(-0.8 * step, b.Value.Item(), 12);
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

    [Fact]
    public void StateBelongsToTheParameterSlot()
    {
        // the momentum buffer survives the replacement of p's tensor, and is not shared with another parameter
        var p = Start();
        var q = Start();
        var sgd = new Sgd(0.1, momentum: 0.9);
        Step(sgd, p);
        Step(sgd, p);
        Close(new[] { 0.9, -1.8 }, Step(sgd, q)); // q's first step has no momentum yet
        Assert.Equal(2, sgd.GetState(p)!.Step);
        Assert.Equal(1, sgd.GetState(q)!.Step);
        sgd.ResetState();
        Assert.Null(sgd.GetState(p));
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
