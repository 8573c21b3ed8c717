// The dashboard: audience, content, models and the recommendation explorer, all from this service's own API.
import { pie, bars, horizontalBars, stackedBars, groupedBars, boxPlot, heatmap, lines, flow, table, fmt } from "./charts.js";

const $ = (id) => document.getElementById(id);

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = body?.detail ?? (body?.errors ? Object.values(body.errors).flat().join(" ") : response.statusText);
    throw Object.assign(new Error(`${response.status}: ${detail}`), { status: response.status });
  }
  return body;
}

function status(message, isError = false) {
  const node = $("status");
  node.textContent = message;
  node.classList.toggle("error", isError);
}

function options(select, values, selected) {
  select.replaceChildren(...values.map((v) => new Option(v.label ?? v, v.value ?? v, false, (v.value ?? v) === selected)));
}

// ---- views ---------------------------------------------------------------------------------------------------

function showView(name) {
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== name;
  for (const button of document.querySelectorAll("nav button")) {
    if (button.dataset.view === name) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  history.replaceState(null, "", `#${name}`);
}

// ---- audience ------------------------------------------------------------------------------------------------

async function renderCountry(country) {
  const data = await api(`api/analytics/plans-devices?country=${encodeURIComponent(country)}`);
  pie($("plans-pie"), `Subscription plans in ${country}`, data.plans.map((p) => ({ label: p.label, value: p.subscribers })));
  pie($("devices-pie"), `Primary devices in ${country}`, data.devices.map((d) => ({ label: d.label, value: d.subscribers })));
}

async function renderPlan(plan) {
  const data = await api(`api/analytics/users-per-country?plan=${encodeURIComponent(plan)}`);
  bars($("users-per-country"), `Subscribers on ${plan} per country`, data.countries.map((c) => ({ label: c.country, value: c.subscribers })),
    { xLabel: "country", yLabel: "subscribers", color: "#009E73" });
}

async function audience() {
  const [countries, plansByCountry] = await Promise.all([api("api/analytics/countries"), api("api/analytics/plans-by-country")]);
  options($("country"), countries.map((c) => ({ label: `${c.country} (${fmt(c.subscribers)})`, value: c.country })), countries[0].country);
  options($("plan"), plansByCountry.plans, plansByCountry.plans[0]);
  stackedBars($("plans-by-country"), "Subscription plans across countries", plansByCountry.countries.map((c) => c.country),
    plansByCountry.plans.map((plan, k) => ({ name: plan, values: plansByCountry.countries.map((c) => c.subscribers[k]) })),
    { xLabel: "country", yLabel: "subscribers" });
  $("country").addEventListener("change", (e) => renderCountry(e.target.value).catch(fail));
  $("plan").addEventListener("change", (e) => renderPlan(e.target.value).catch(fail));
  await Promise.all([renderCountry(countries[0].country), renderPlan(plansByCountry.plans[0])]);
}

// ---- content -------------------------------------------------------------------------------------------------

// A note, in place of a figure or table, on what the data or the models folder does not have.
function absentNote(text) {
  return Object.assign(document.createElement("p"), { className: "absent", textContent: text });
}

// A figure whose query found nothing (a database without watch events or reviews, such as one ingested from the
// real Netflix 2025 files) says so rather than drawing empty axes.
function drawOrSay(host, title, count, why, draw) {
  if (count > 0) {
    draw();
    return;
  }
  host.replaceChildren(absentNote(`${title}: nothing to show; ${why}.`));
}

const noWatchEvents = "the database holds no watch events";

async function renderFlows(by) {
  const data = await api(`api/analytics/genre-flows?by=${encodeURIComponent(by)}&genres=10`);
  const title = `Viewing from subscribers (by ${by}) to the 10 most watched genres (a session counts once per genre of its title)`;
  drawOrSay($("genre-flows"), title, data.flows.length, noWatchEvents, () => flow($("genre-flows"), title, data.sources, data.genres,
    data.flows.map((f) => ({ source: f.source, target: f.genre, value: f.views })),
    { sourceLabel: `subscribers by ${by}`, targetLabel: "genre", unit: "views" }));
}

async function content() {
  const [popularity, ratings, engagement, similarity] = await Promise.all([
    api("api/analytics/genre-popularity"), api("api/analytics/ratings-by-genre"),
    api("api/analytics/device-engagement?top=15"), api("api/analytics/title-similarity"),
  ]);
  drawOrSay($("genre-popularity"), "Genre popularity", popularity.length, noWatchEvents, () => bars($("genre-popularity"), "Genre popularity: viewing sessions per genre",
    popularity.map((g) => ({ label: g.genre, value: g.views })), { xLabel: "genre", yLabel: "views" }));
  drawOrSay($("ratings-by-genre"), "Ratings by genre", ratings.length, "the database holds no ratings", () => boxPlot($("ratings-by-genre"),
    "Ratings by genre (1-5): quartiles, whiskers to min and max, dot at the mean",
    ratings.map((r) => ({ label: r.genre, count: r.ratings, min: r.min, q1: r.q1, median: r.median, q3: r.q3, max: r.max, mean: r.mean })),
    { xLabel: "genre", yLabel: "rating", yMin: 0, yMax: 5 }));
  drawOrSay($("device-engagement"), "Device engagement", engagement.subscribers.length, noWatchEvents, () => heatmap($("device-engagement"),
    `Device engagement of the ${engagement.subscribers.length} most active subscribers (minutes watched)`,
    engagement.subscribers.map((s) => s.userId), engagement.devices, engagement.subscribers.map((s) => s.minutes),
    { rowLabel: "subscriber", columnLabel: "device", valueLabel: "minutes" }));
  drawOrSay($("title-similarity"), "Audience similarity of the most watched titles", similarity.titles.length, noWatchEvents, () => heatmap($("title-similarity"),
    "Audience similarity of the most watched titles (cosine of viewer sets)",
    similarity.titles.map((t) => t.name), similarity.titles.map((t) => t.name), similarity.similarity,
    { rowLabel: "title", columnLabel: "title", valueLabel: "similarity", max: 1 }));
  options($("genre"), [{ label: "any", value: "" }, ...popularity.map((g) => g.genre)], "");
  options($("users"), engagement.subscribers.map((s) => s.userId));
  $("flow-by").addEventListener("change", (e) => renderFlows(e.target.value).catch(fail));
  await renderFlows($("flow-by").value);
}

// ---- models --------------------------------------------------------------------------------------------------

function championCard(model) {
  const card = document.createElement("article");
  card.className = "card";
  const metric = model.task === "recommend"
    ? `NDCG@10 ${fmt(model.test.ndcgAtK)} vs popularity ${fmt(model.baseline.ndcgAtK)}`
    : `test AUC ${fmt(model.test.auc)}, accuracy ${fmt(model.test.accuracy)} at threshold ${fmt(model.threshold)} (majority baseline ${fmt(model.baseline.accuracy)})`;
  card.innerHTML = "<h3></h3><p class=\"name\"></p><p class=\"metric\"></p><p class=\"contract\"></p><p class=\"version\"></p>";
  card.querySelector("h3").textContent = model.task;
  card.querySelector(".name").textContent = `${model.name} (${model.trainer}, feature set ${model.featureSet})`;
  card.querySelector(".metric").textContent = metric;
  card.querySelector(".contract").textContent = model.contract ?? "";
  card.querySelector(".version").textContent = `version ${model.version}, loaded ${new Date(model.loadedAt).toLocaleString()}`;
  if (model.warning) card.append(Object.assign(document.createElement("p"), { className: "warning", textContent: model.warning }));
  return card;
}

// Explicit MF predicts ratings: its figures on the ratings given after the cut-off, beside their training mean's.
function ratingNote(entry) {
  const rated = entry.candidates.find((c) => c.test.ratingRmse !== undefined);
  if (!rated) return "";
  const r2 = rated.test.ratingRSquared !== undefined ? `, R² ${fmt(rated.test.ratingRSquared)}` : "";
  const floor = entry.ratingRmseFloor !== undefined ? `; planted floor RMSE ${fmt(entry.ratingRmseFloor)}` : "";
  return ` ${rated.trainer} on the ${rated.test.ratingCount} ratings given after the cut-off: RMSE ${fmt(rated.test.ratingRmse)}, `
    + `MAE ${fmt(rated.test.ratingMae)}${r2} (training ratings' mean: RMSE ${fmt(rated.baseline.ratingRmse)}${floor}).`;
}

function leaderboardTable(entry) {
  const binary = entry.task !== "recommend";
  const cv = (c, m) => (c.cv?.[m] ? `${fmt(c.cv[m].mean)} +- ${fmt(c.cv[m].std)}` : "");
  const headers = binary
    ? ["candidate", "trainer", "feature set", "deployable", "CV AUC", "test AUC", "test accuracy", "baseline accuracy", "F1"]
    : ["candidate", "trainer", "deployable", "P@10", "R@10", "NDCG@10", "coverage", "genre match", "NDCG@10 as new viewers"];
  // The last: the same subscribers served as viewers the model does not know (absent from older leaderboards).
  const ranking = (t) => [t.precisionAtK, t.recallAtK, t.ndcgAtK, t.coverage, t.genreMatchRate, t.viewerNdcgAtK ?? ""];
  const rows = entry.candidates.map((c) => binary
    ? [c.name + (c.name === entry.champion ? " (champion)" : ""), c.trainer, c.featureSet, c.deployable ? "yes" : "no (leaky)", cv(c, "auc"), c.test.auc, c.test.accuracy, c.baseline.accuracy, c.test.f1]
    : [c.name + (c.name === entry.champion ? " (champion)" : ""), c.trainer, c.deployable ? "yes" : "no", ...ranking(c.test)]);
  // On generated data: the planted watch-choice model's own ranking, the best there is (as Bayes AUC for the others).
  const best = entry.plantedOracle;
  if (!binary && best) rows.push(["planted oracle (the best ranking there is)", "truth.json", "", ...ranking(best)]);
  const tuned = (entry.tuning ? ` implicit-mf settings chosen on a validation split inside the training part: ${entry.tuning.chosen}.` : "")
    + (entry.viewerTuning ? ` Content's and popularity's shares for viewers the factor models do not know, chosen on the same split: ${entry.viewerTuning.chosen}.` : "")
    + (entry.foldInTuning ? ` Folding such viewers in (a vector fitted to their titles), chosen on the same split: ${entry.foldInTuning.chosen}.` : "")
    + (entry.updateTuning ? ` Moving a known subscriber's vector by what they watched since training, chosen on the same split: ${entry.updateTuning.chosen}.` : "");
  const caption = `${entry.task}: ${entry.split ?? ""}` + tuned + ratingNote(entry) + (entry.noChampion ? ` No champion: ${entry.noChampion}` : "");
  const t = table(caption, headers, rows);
  t.className = "leaderboard";
  return t;
}

// A part of the models view that the models folder does not have (a task never trained on this data, no champion
// promoted, no leakage report: 404 or 503) says so in its place; the rest of the view still shows.
function absent(host, error) {
  if (error.status !== 404 && error.status !== 503) throw error;
  host.replaceChildren(absentNote(error.message));
}

async function models() {
  const served = await api("api/models");
  const noChampion = served.errors.map((e) => `${e.task}: no champion loaded (${e.reason}).`);
  $("champions").replaceChildren(...served.models.map(championCard), ...noChampion.map(absentNote));
  const boards = await Promise.all(["top10", "churn", "recommend"].map((task) => api(`api/models/${task}/leaderboard`).then(leaderboardTable, (error) => {
    const holder = document.createElement("div");
    absent(holder, error);
    return holder;
  })));
  $("leaderboards").replaceChildren(...boards);
  await Promise.all(["top10", "churn"].map((task) => evaluationCharts(task).catch((error) => {
    absent($(`roc-${task}`), error);
    $(`importance-${task}`).replaceChildren();
  })));
  await leakageCharts().catch((error) => {
    absent($("leakage"), error);
    $("leakage-flags").replaceChildren();
  });
}

async function evaluationCharts(task) {
  const evaluation = await api(`api/models/${task}/evaluation`);
  lines($(`roc-${task}`), `${task}: ROC curve of ${evaluation.name} on the test set (AUC ${fmt(evaluation.auc)})`,
    [{ name: `${evaluation.trainer} (${evaluation.featureSet})`, points: evaluation.rocPoints }],
    {
      xLabel: "false-positive rate", yLabel: "true-positive rate", diagonal: true,
      points: evaluation.operatingPoint ? [{ label: `threshold ${fmt(evaluation.operatingPoint.threshold)}`, x: evaluation.operatingPoint.falsePositiveRate, y: evaluation.operatingPoint.truePositiveRate }] : [],
    });
  horizontalBars($(`importance-${task}`), `${task}: permutation feature importance (test AUC drop when shuffled)`,
    evaluation.importance.map((i) => ({ label: i.feature, value: i.aucDrop, error: i.standardError })),
    { xLabel: "AUC drop", yLabel: "feature" });
}

async function leakageCharts() {
  const leakage = await api("api/models/leakage");
  groupedBars($("leakage"), "Leakage audit: test AUC of the honest feature set vs the one with the leaks",
    leakage.tasks.map((t) => t.task),
    [
      { name: "honest", values: leakage.tasks.map((t) => t.honest.auc) },
      { name: "with leaks", values: leakage.tasks.map((t) => t.withLeaks.auc) },
    ],
    { xLabel: "task", yLabel: "test AUC", yMax: 1 });
  // A task the last audit skipped (the data cannot support it) is named with the reason, not silently missing.
  const skipped = (leakage.skipped ?? []).map((s) => absentNote(`${s.task}: not audited: ${s.reason}`));
  $("leakage-flags").replaceChildren(table("Features flagged as leaks", ["task", "feature", "why"],
    leakage.tasks.flatMap((t) => t.flagged.map((f) => [t.task, f.feature, f.reason]))), ...skipped);
}

// ---- recommendation explorer ----------------------------------------------------------------------------------

function titleItem(t, onSimilar) {
  const li = document.createElement("li");
  li.className = "title";
  const name = document.createElement("strong");
  name.textContent = t.name;
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = ` ${t.titleId} · ${t.genres.join(", ")} · score ${fmt(t.score)}`;
  const reason = document.createElement("span");
  reason.className = "reason";
  reason.textContent = t.reason;
  li.append(name, meta, document.createElement("br"), reason);
  if (onSimilar) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Similar";
    button.setAttribute("aria-label", `Titles similar to ${t.name}`);
    button.addEventListener("click", () => onSimilar(t.titleId));
    li.append(" ", button);
  }
  return li;
}

async function similar(titleId) {
  $("title").value = titleId;
  try {
    const data = await api(`api/titles/${encodeURIComponent(titleId)}/similar?count=10`);
    $("similar-title").textContent = `Similar to ${data.name}`;
    $("similar").replaceChildren(...data.similar.map((t) => titleItem(t)));
  } catch (error) {
    $("similar-title").textContent = "Similar titles";
    $("similar").replaceChildren(message(error));
  }
}

function message(error) {
  const li = document.createElement("li");
  li.className = "problem";
  li.textContent = error.message;
  return li;
}

// Why fewer titles came back than were asked for; hidden when the list is full.
function note(text) {
  $("recommended-note").textContent = text ?? "";
  $("recommended-note").hidden = !text;
}

async function recommend() {
  const user = $("user").value.trim();
  const genre = $("genre").value;
  const count = $("count").value || "10";
  try {
    const data = await api(`api/users/${encodeURIComponent(user)}/recommendations?count=${encodeURIComponent(count)}${genre ? `&genre=${encodeURIComponent(genre)}` : ""}`);
    $("recommended-title").textContent = `Recommended for ${data.userId}${data.genre ? ` (${data.genre})` : ""}`;
    $("recommended-source").textContent = `Source: ${data.source}; model ${data.model.name} (version ${data.model.version}).`;
    note(data.note);
    $("recommended").replaceChildren(...data.titles.map((t) => titleItem(t, similar)));
  } catch (error) {
    $("recommended-source").textContent = "";
    note(null);
    $("recommended").replaceChildren(message(error));
  }
}

function explorer() {
  $("recommend-form").addEventListener("submit", (e) => {
    e.preventDefault();
    recommend();
  });
  $("similar-form").addEventListener("submit", (e) => {
    e.preventDefault();
    similar($("title").value.trim());
  });
  return Promise.all([recommend(), similar($("title").value.trim())]);
}

// ---- start ---------------------------------------------------------------------------------------------------

function fail(error) {
  status(`Could not load: ${error.message}`, true);
}

async function start() {
  for (const button of document.querySelectorAll("nav button")) button.addEventListener("click", () => showView(button.dataset.view));
  const initial = location.hash.slice(1);
  showView(document.getElementById(initial)?.classList.contains("view") ? initial : "audience");
  status("Loading...");
  const results = await Promise.allSettled([audience(), content(), models()]);
  await explorer();
  const failed = results.filter((r) => r.status === "rejected");
  if (failed.length > 0) {
    status(`Could not load everything: ${failed.map((f) => f.reason.message).join("; ")}`, true);
  } else {
    status("");
  }
  document.body.dataset.ready = failed.length === 0 ? "true" : "false";
}

start();
