import type { Kind } from './requests.workflow.ts';

/** The category trees a new installation starts with; administrators edit them afterwards. */
export const DEFAULT_CATEGORIES: Record<Kind, [string, string[]][]> = {
  repair: [
    ['室内维修', ['水电', '门窗五金', '墙面地面', '洗手间漏水', '屋面渗漏', '其他']],
    ['公共设施', ['电梯', '公共照明', '给排水', '消防设施', '门禁对讲', '外墙开裂', '道路停车场']],
  ],
  complaint: [
    ['服务质量', ['服务态度', '维修质量', '响应不及时']],
    ['环境与秩序', ['环境卫生', '绿化', '噪音扰民', '装修管理', '车辆停放', '治安']],
    ['收费', ['收费标准', '票据']],
    ['其他', ['邻里纠纷', '其他']],
  ],
  inquiry: [
    ['收费', ['物业费', '水电费', '停车费']],
    ['办事指南', ['入住', '装修', '出租过户', '物品放行']],
    ['其他', ['社区活动', '其他']],
  ],
  suggestion: [
    ['服务改进', ['前台服务', '维修服务', '保洁服务', '安保服务']],
    ['设施与环境', ['增设设施', '绿化景观', '停车']],
    ['社区活动', ['活动建议']],
  ],
  special: [
    ['有偿服务', ['家政保洁', '家电清洗', '室内维修（有偿）', '搬家协助', '管道疏通']],
    ['代办服务', ['代收快递', '代缴费用', '钟点看护']],
  ],
};

/**
 * R-IN-5: the standard phrases of the source documents (物业客服中心来访接待 · 常用礼貌用语),
 * one scenario each; every one is editable. `**` marks where the receptionist fills in.
 */
export const DEFAULT_PHRASES: { scenario: string; title: string; text: string }[] = [
  { scenario: 'answer_phone', title: '接听电话', text: '您好，**物业服务中心。请问您贵姓？请问有什么可以帮您的吗？' },
  { scenario: 'answer_phone', title: '没听清楚时', text: '对不起，先生/女士，您刚才讲的问题我没听清楚，请您重述一遍好吗？' },
  {
    scenario: 'read_back',
    title: '复述确认',
    text: '对不起，先生/女士，我把您刚才说的再复述一遍，看妥不妥当：房号**，电话**，您反映的是**。',
  },
  { scenario: 'counter_greeting', title: '来访接待', text: '您好！请问有什么可以帮到您？您可以将详细情况告诉我吗？' },
  { scenario: 'counter_farewell', title: '送别', text: '谢谢您，我们将尽快安排处理。再见！请您慢走，欢迎与我们联络。' },
  {
    scenario: 'phone_complaint',
    title: '电话投诉',
    text: '先生/女士，您好！**物业服务中心。请告诉我详情，好吗？对不起，我立即处理这个问题，大约在**时间给您答复。请问怎样与您联系？您放心，我们会立即采取措施，使您满意。很抱歉，给您添麻烦了，谢谢您的意见。',
  },
  {
    scenario: 'counter_complaint',
    title: '来访投诉',
    text: '先生/女士，您好！请坐下，慢慢讲。您能把详细情况告诉我吗？对不起，给您添麻烦了。我会马上把您的意见反馈到有关部门处理，大约在**时间给您一个答复，请您放心。谢谢您的意见。',
  },
  {
    scenario: 'repair',
    title: '室内报修',
    text: '您好，服务中心。请问您室内哪里要维修？您可以留下您的姓名和联络电话以方便维修吗？谢谢您的合作，我们尽快派人替您维修，大约在十分钟内给您一个答复。',
  },
  {
    scenario: 'fee_collection',
    title: '前台收费',
    text: '先生/女士，您好！请问您是来交管理费的吗？请问您的房号？您本月应交管理费**元、上月电费**元、维修费**元。收您**元，找回**元。这是您的发票，请保管好。谢谢您，再见。',
  },
  {
    scenario: 'fee_inquiry',
    title: '电话咨询费用',
    text: '先生/女士，您好！请稍等，我帮您查一下。您**月份的管理费**元、电费**元、维修费**元，共计**元。您打算来交款吗？',
  },
  {
    scenario: 'payment_reminder',
    title: '催收管理费',
    text: '先生/女士，您好！您**月份的管理费还没有交。我们于**日已经发出《缴款通知》，想必您已经收到了，现在再提醒您一下：按管理公约，管理费应在当月15日之前交纳，逾期将按每日0.3%计收滞纳金。',
  },
  { scenario: 'transfer', title: '转给同事', text: '您可以将详细情况告诉我吗？我带您去找负责这个项目的**先生/女士。' },
  { scenario: 'absent_colleague', title: '要找的人不在', text: '对不起，他不在，有什么事情需要我转告他吗？谢谢您，再见。' },
  {
    scenario: 'unable_to_answer',
    title: '暂时无法解决',
    text: '对不起，先生/女士，您反映的问题由于某种原因暂时无法解决，我会把您的情况向公司领导反映，尽快给您一个满意的答复。',
  },
  {
    scenario: 'inquiry',
    title: '咨询约定答复',
    text: '请稍等，我帮您查一下。这个问题我需要核实，大约在**时间给您答复。请问怎样与您联系？',
  },
  { scenario: 'suggestion', title: '受理建议', text: '谢谢您的建议！我们会认真研究，并在**前给您回复。' },
  {
    scenario: 'special',
    title: '特约服务报价',
    text: '您好，这项服务按收费标准为**元，请问您是否同意？我们会安排**部门在**时间为您服务。',
  },
];
